/** Periods (SPEC §12), and the period a job is limited to. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Period } from '../../../../service/periods/types.js';
import { PeriodExistsError, PeriodNotFoundError } from '../../../../service/store/errors.js';
import { newJob, type StoreContext, T0 } from './context.js';

/** Every field set to something other than its type's zero, so a dropped column shows. */
export function newPeriod(name: string, overrides: Partial<Period> = {}): Period {
  return {
    name,
    description: `the ${name} period`,
    timezone: 'Europe/Berlin',
    ranges: [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
      { days: ['2026-12-24'], from: '22:00:30', to: '02:00' },
    ],
    exclude: ['holidays', 'maintenance'],
    owner: 'folder',
    sourceHash: 'def456',
    createdAt: T0,
    updatedAt: T0 + 1,
    ...overrides,
  };
}

export function describePeriods(context: StoreContext): void {
  describe('periods', () => {
    it('gives back a created period field for field, and lists periods by name', async () => {
      const created = await context.store.createPeriod(newPeriod('workhours'));
      await context.store.createPeriod(newPeriod('holidays', { exclude: [], timezone: null }));
      assert.deepEqual(created, newPeriod('workhours'));
      assert.deepEqual(await context.store.getPeriod('workhours'), newPeriod('workhours'));
      assert.deepEqual((await context.store.listPeriods()).map((p) => p.name), ['holidays', 'workhours']);
      assert.equal((await context.store.getPeriod('holidays'))!.timezone, null);
    });

    it('refuses a second period of the same name', async () => {
      await context.store.createPeriod(newPeriod('workhours'));
      await assert.rejects(context.store.createPeriod(newPeriod('workhours')), PeriodExistsError);
    });

    it('applies a partial update and answers with the period as stored', async () => {
      await context.store.createPeriod(newPeriod('workhours'));
      const updated = await context.store.updatePeriod('workhours', { ranges: [{ days: ['sat'], from: '10:00', to: '24:00' }], exclude: [], owner: 'user', sourceHash: null, updatedAt: T0 + 5 });
      assert.deepEqual(updated, { ...newPeriod('workhours'), ranges: [{ days: ['sat'], from: '10:00', to: '24:00' }], exclude: [], owner: 'user', sourceHash: null, updatedAt: T0 + 5 });
      assert.deepEqual(await context.store.getPeriod('workhours'), updated);
    });

    it('refuses to update a period that does not exist', async () => {
      await assert.rejects(context.store.updatePeriod('nope', { description: 'x' }), PeriodNotFoundError);
      await assert.rejects(context.store.updatePeriod('nope', {}), PeriodNotFoundError);
    });

    it('deletes a period once', async () => {
      await context.store.createPeriod(newPeriod('workhours'));
      assert.equal(await context.store.deletePeriod('workhours'), true);
      assert.equal(await context.store.deletePeriod('workhours'), false);
      assert.equal(await context.store.getPeriod('workhours'), null);
    });

    it("keeps a job's period and changes it by patch", async () => {
      await context.store.createJob(newJob('report'), 'return 1');
      assert.equal((await context.store.getJob('report'))!.period, 'workhours');
      await context.store.updateJob('report', { period: null });
      assert.equal((await context.store.getJob('report'))!.period, null);
      await context.store.updateJobs([{ name: 'report', patch: { period: 'night' } }]);
      assert.equal((await context.store.listJobs())[0]!.period, 'night');
    });
  });
}

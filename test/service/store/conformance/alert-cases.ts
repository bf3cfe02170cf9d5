/** Alerts with their delivery attempts, and the health check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AlertDelivery } from '../../../../service/jobs/types.js';
import { JobNotFoundError } from '../../../../service/store/errors.js';
import { newJob, type StoreContext, T0 } from './context.js';

function newAlert(job: string, overrides: Partial<Omit<AlertDelivery, 'id'>> = {}): Omit<AlertDelivery, 'id'> {
  return {
    job,
    event: 'job.failed',
    channel: 'webhook',
    target: 'https://hooks.example.com/q',
    state: 'pending',
    attempts: [],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function describeAlertsAndHealth(context: StoreContext): void {
  describe('alerts', () => {
    it('records an alert and lists it with its id', async () => {
      await context.store.createJob(newJob('a'), '');
      const alert = newAlert('a', { channel: 'email', target: 'ops@example.com' });
      const id = await context.store.createAlert(alert);
      assert.deepEqual(await context.store.listAlerts('a', 10), [{ ...alert, id }]);
    });

    it('lists a job’s alerts newest first, up to the limit', async () => {
      await context.store.createJob(newJob('a'), '');
      await context.store.createJob(newJob('b'), '');
      const first = await context.store.createAlert(newAlert('a'));
      await context.store.createAlert(newAlert('b'));
      const second = await context.store.createAlert(newAlert('a', { event: 'job.recovered' }));
      const third = await context.store.createAlert(newAlert('a'));
      assert.deepEqual(
        (await context.store.listAlerts('a', 10)).map((alert) => alert.id),
        [third, second, first],
      );
      assert.deepEqual(
        (await context.store.listAlerts('a', 2)).map((alert) => alert.id),
        [third, second],
      );
      assert.equal((await context.store.listAlerts('b', 10)).length, 1);
    });

    it('records each delivery attempt and the final state', async () => {
      await context.store.createJob(newJob('a'), '');
      const id = await context.store.createAlert(newAlert('a'));
      const attempts: AlertDelivery['attempts'] = [
        { at: T0 + 1000, ok: false, status: 503 },
        { at: T0 + 5000, ok: false, error: 'connect ECONNREFUSED' },
        { at: T0 + 20_000, ok: true, status: 200 },
      ];
      await context.store.updateAlert(id, { state: 'delivered', attempts, updatedAt: T0 + 20_000 });
      assert.deepEqual(await context.store.listAlerts('a', 10), [
        { ...newAlert('a'), id, state: 'delivered', attempts, updatedAt: T0 + 20_000 },
      ]);
    });

    it('refuses an alert about a job that does not exist', async () => {
      await assert.rejects(context.store.createAlert(newAlert('ghost')), JobNotFoundError);
    });
  });

  describe('health', () => {
    it('answers a ping with ok and the kind of store', async () => {
      const health = await context.store.ping();
      assert.equal(health.ok, true);
      assert.ok(health.kind.length > 0);
      assert.equal(typeof health.detail, 'string');
    });
  });
}

/**
 * A job's period (SPEC §12) as the pure plans see it: the stored slot stays on the cadence, the
 * period decides when the scheduler looks again and whether the job runs then.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePeriods } from '../../../service/scheduler/period-compile.js';
import { periodWait, upcomingRuns, wakeAt } from '../../../service/scheduler/period-plan.js';
import { planAfterRun, planDue } from '../../../service/scheduler/plan.js';
import { makeJob } from './job-fixture.js';

const TZ = 'UTC';
const at = (text: string): number => Date.parse(`${text}Z`);
const workhours = compilePeriods(
  [{ name: 'workhours', description: '', timezone: 'UTC', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }], exclude: [] }],
  TZ,
).get('workhours')!;

// 2026-01-01 is a Thursday. Every 10 minutes at :05, :15, …
const every10 = (fields: Parameters<typeof makeJob>[0] = {}) =>
  makeJob({ interval: 600, period: 'workhours', nextRunAt: at('2026-01-01T17:55:00'), ...fields });

describe('a job limited to a period', () => {
  it('runs a slot that falls inside as scheduled', () => {
    const job = every10();
    assert.equal(wakeAt(job, workhours, at('2026-01-01T17:50:00'), TZ), at('2026-01-01T17:55:00'));
    assert.deepEqual(planDue(job, at('2026-01-01T17:55:00.004'), TZ, workhours), { run: true, scheduledAt: at('2026-01-01T17:55:00') });
  });

  describe("with missed 'once'", () => {
    const skipped = every10({ nextRunAt: at('2026-01-01T18:05:00') });

    it('sleeps from the first skipped slot straight to the opening, with no wake in between', () => {
      assert.equal(wakeAt(skipped, workhours, at('2026-01-01T18:00:01'), TZ), at('2026-01-02T08:00:00'));
    });

    it('runs once at the opening, counted as the latest skipped slot, and keeps the cadence', () => {
      const plan = planDue(skipped, at('2026-01-02T08:00:00'), TZ, workhours);
      assert.deepEqual(plan, { run: true, scheduledAt: at('2026-01-02T07:55:00') });
      const after = planAfterRun(skipped, { trigger: 'schedule', scheduledAt: plan.scheduledAt, startedAt: at('2026-01-02T08:00:00'), result: 'OK', error: null }, at('2026-01-02T08:00:01'), TZ);
      assert.equal(after.patch.nextRunAt, at('2026-01-02T08:05:00'));
    });

    it('waits when it wakes and the period is closed, with its next look at the opening', () => {
      assert.deepEqual(planDue(skipped, at('2026-01-01T19:00:00'), TZ, workhours), { run: false, scheduledAt: at('2026-01-01T18:05:00') });
    });

    it('over a weekend, opens on Monday', () => {
      const friday = every10({ nextRunAt: at('2026-01-02T18:05:00') });
      assert.equal(wakeAt(friday, workhours, at('2026-01-02T18:00:00'), TZ), at('2026-01-05T08:00:00'));
      assert.deepEqual(periodWait(friday, workhours, at('2026-01-03T12:00:00')), { opensAt: at('2026-01-05T08:00:00') });
    });
  });

  describe("with missed 'skip'", () => {
    const skipped = every10({ missed: 'skip', nextRunAt: at('2026-01-01T18:05:00') });

    it('sleeps until its first slot inside, not the opening', () => {
      assert.equal(wakeAt(skipped, workhours, at('2026-01-01T18:00:01'), TZ), at('2026-01-02T08:05:00'));
    });

    it('runs that slot as itself', () => {
      assert.deepEqual(planDue(skipped, at('2026-01-02T08:05:00.003'), TZ, workhours), { run: true, scheduledAt: at('2026-01-02T08:05:00') });
    });

    it('moves on to the next slot when it wakes more than a slot late', () => {
      assert.deepEqual(planDue(skipped, at('2026-01-02T09:00:00'), TZ, workhours), {
        run: false,
        scheduledAt: at('2026-01-02T08:55:00'),
        patch: { nextRunAt: at('2026-01-02T09:05:00') },
      });
    });

    it('finds the first cron slot inside for a cron job', () => {
      const cron = makeJob({ interval: null, cron: '30 7,9 * * *', period: 'workhours', missed: 'skip', nextRunAt: at('2026-01-02T07:30:00') });
      assert.equal(wakeAt(cron, workhours, at('2026-01-02T07:00:00'), TZ), at('2026-01-02T09:30:00'));
    });
  });

  it('leaves a Run Once job pending at boot alone', () => {
    const once = every10({ status: 'once-pending', runOnce: true, nextRunAt: at('2026-01-03T12:00:00') });
    assert.equal(wakeAt(once, workhours, at('2026-01-03T11:00:00'), TZ), at('2026-01-03T12:00:00'));
    assert.deepEqual(planDue(once, at('2026-01-03T12:00:00'), TZ, workhours), { run: true, scheduledAt: at('2026-01-03T12:00:00') });
  });

  it('lists its upcoming runs with the period applied', () => {
    const job = makeJob({ interval: 4 * 3600, period: 'workhours', nextRunAt: at('2026-01-01T14:00:00') });
    const runs = upcomingRuns(job, workhours, at('2026-01-01T13:00:00'), 4, TZ).map((r) => [new Date(r.at).toISOString(), new Date(r.scheduledAt).toISOString()]);
    assert.deepEqual(runs, [
      ['2026-01-01T14:00:00.000Z', '2026-01-01T14:00:00.000Z'],
      ['2026-01-02T08:00:00.000Z', '2026-01-02T06:00:00.000Z'],
      ['2026-01-02T10:00:00.000Z', '2026-01-02T10:00:00.000Z'],
      ['2026-01-02T14:00:00.000Z', '2026-01-02T14:00:00.000Z'],
    ]);
    const skip = upcomingRuns({ ...job, missed: 'skip' }, workhours, at('2026-01-01T13:00:00'), 2, TZ).map((r) => new Date(r.at).toISOString());
    assert.deepEqual(skip, ['2026-01-01T14:00:00.000Z', '2026-01-02T10:00:00.000Z']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job, JobResult } from '../../../service/jobs/types.js';
import { planAfterRun, planDue, type RunFacts } from '../../../service/scheduler/plan.js';
import { DAY, HOUR, MINUTE, T0, makeJob } from './job-fixture.js';

const TZ = 'Europe/Berlin';

/** A scheduled run of the slot `scheduledAt` that started 5 ms late. */
function ran(scheduledAt: number, result: JobResult | null, error: string | null = null): RunFacts {
  return { trigger: 'schedule', scheduledAt, startedAt: scheduledAt + 5, result, error };
}

function after(job: Job, run: RunFacts, now = run.startedAt + 1000) {
  return planAfterRun(job, run, now, TZ);
}

describe('planDue', () => {
  it('runs a job at its slot when it is on time or late by less than a slot', () => {
    const job = makeJob({ nextRunAt: T0 + MINUTE });
    assert.deepEqual(planDue(job, T0 + MINUTE, TZ), { run: true, scheduledAt: T0 + MINUTE });
    assert.deepEqual(planDue(job, T0 + MINUTE + 59_999, TZ), { run: true, scheduledAt: T0 + MINUTE });
  });

  describe('after downtime that missed slots', () => {
    // Due at T0 + 1 min, the service came back 10 h 30.5 min later.
    const now = T0 + MINUTE + 10 * HOUR + 30_500;

    it("with missed 'once' runs a single time, counted as the latest slot, so the cadence holds", () => {
      assert.deepEqual(planDue(makeJob({ nextRunAt: T0 + MINUTE }), now, TZ), { run: true, scheduledAt: T0 + MINUTE + 10 * HOUR });
    });

    it("with missed 'skip' runs nothing and waits for the next slot on the cadence", () => {
      assert.deepEqual(planDue(makeJob({ missed: 'skip', nextRunAt: T0 + MINUTE }), now, TZ), {
        run: false,
        scheduledAt: T0 + MINUTE + 10 * HOUR,
        patch: { nextRunAt: T0 + 2 * MINUTE + 10 * HOUR },
      });
    });

    it('does the same for cron jobs in their zone', () => {
      // Daily at 03:00 Berlin (02:00Z in winter); down from 1 to 5 January 2026, 12:00Z.
      const cron = { interval: null, cron: '0 3 * * *', nextRunAt: Date.parse('2026-01-02T02:00:00Z') };
      const back = Date.parse('2026-01-05T12:00:00Z');
      assert.deepEqual(planDue(makeJob(cron), back, TZ), { run: true, scheduledAt: Date.parse('2026-01-05T02:00:00Z') });
      assert.deepEqual(planDue(makeJob({ ...cron, missed: 'skip' }), back, TZ), {
        run: false,
        scheduledAt: Date.parse('2026-01-05T02:00:00Z'),
        patch: { nextRunAt: Date.parse('2026-01-06T02:00:00Z') },
      });
    });

    it('catches up after years of one-second slots without stepping through them', () => {
      const job = makeJob({ interval: null, cron: '* * * * * *', nextRunAt: T0 + 1000 });
      const later = T0 + 3 * 365 * DAY + 500;
      assert.deepEqual(planDue(job, later, TZ), { run: true, scheduledAt: T0 + 3 * 365 * DAY });
    });
  });

  it('always runs a wake-up from sleep and a pending Run Once job, however late', () => {
    const now = T0 + 3 * DAY;
    assert.deepEqual(planDue(makeJob({ status: 'sleep', missed: 'skip', nextRunAt: T0 + DAY }), now, TZ), { run: true, scheduledAt: T0 + DAY });
    assert.deepEqual(planDue(makeJob({ runOnce: true, status: 'once-pending', nextRunAt: T0 + MINUTE }), now, TZ), {
      run: true,
      scheduledAt: T0 + MINUTE,
    });
  });
});

describe('planAfterRun', () => {
  const slot = T0 + MINUTE;
  const job = makeJob({ nextRunAt: slot });

  it('records the run and, after OK, counts the next slot from the scheduled time (no drift)', () => {
    const plan = after(job, ran(slot, 'OK'), slot + 20_000);
    assert.deepEqual(plan, {
      patch: { lastRunAt: slot + 5, lastScheduledAt: slot, lastResult: 'OK', lastError: null, failing: false, status: 'ok', nextRunAt: slot + MINUTE },
      event: null,
    });
  });

  it('after SLEEP runs again 24 h after the run started', () => {
    assert.deepEqual(after(job, ran(slot, 'SLEEP')).patch, {
      lastRunAt: slot + 5,
      lastScheduledAt: slot,
      lastResult: 'SLEEP',
      lastError: null,
      failing: false,
      status: 'sleep',
      nextRunAt: slot + 5 + DAY,
    });
  });

  it('after STOP schedules nothing; after EXIT deactivates', () => {
    const stop = after(job, ran(slot, 'STOP')).patch;
    assert.equal(stop.status, 'stop');
    assert.equal(stop.nextRunAt, null);
    assert.equal(stop.active, undefined);
    const exit = after(job, ran(slot, 'EXIT')).patch;
    assert.deepEqual([exit.status, exit.active, exit.nextRunAt, exit.lastResult, exit.failing], ['exit', false, null, 'EXIT', false]);
  });

  it('makes a Run Once job done after any valid return but EXIT', () => {
    const once = makeJob({ runOnce: true, status: 'once-pending', nextRunAt: slot });
    for (const result of ['OK', 'SLEEP', 'STOP'] as const) {
      const patch = after(once, { ...ran(slot, result), trigger: 'boot' }).patch;
      assert.deepEqual([patch.status, patch.nextRunAt, patch.lastResult], ['once-done', null, result]);
    }
    const exit = after(once, ran(slot, 'EXIT')).patch;
    assert.deepEqual([exit.status, exit.active], ['exit', false]);
  });

  describe('when a run overruns its interval', () => {
    // A 60 s job whose run took 3.5 minutes.
    const finished = slot + 3 * MINUTE + 30_000;

    it("with missed 'once' is due again at once, at the latest slot, not once per missed slot", () => {
      assert.equal(after(job, ran(slot, 'OK'), finished).patch.nextRunAt, slot + 3 * MINUTE);
      // And that run keeps the original cadence.
      assert.deepEqual(planDue({ ...job, nextRunAt: slot + 3 * MINUTE }, finished, TZ), { run: true, scheduledAt: slot + 3 * MINUTE });
    });

    it("with missed 'skip' waits for the first slot after it finished", () => {
      assert.equal(after({ ...job, missed: 'skip' }, ran(slot, 'OK'), finished).patch.nextRunAt, slot + 4 * MINUTE);
    });
  });

  it('on an error deactivates the job, keeps the message and reports a failure', () => {
    assert.deepEqual(after(job, ran(slot, null, 'ReferenceError: x is not defined')), {
      patch: {
        lastRunAt: slot + 5,
        lastScheduledAt: slot,
        status: 'exit',
        active: false,
        nextRunAt: null,
        lastResult: null,
        lastError: 'ReferenceError: x is not defined',
        failing: true,
      },
      event: 'failed',
    });
  });

  it("on an error with onError 'continue' schedules as after OK and keeps the message", () => {
    const plan = after({ ...job, onError: 'continue' }, ran(slot, null, 'timed out after 30 s'));
    assert.deepEqual(plan, {
      patch: { lastRunAt: slot + 5, lastScheduledAt: slot, lastResult: null, lastError: 'timed out after 30 s', status: 'ok', nextRunAt: slot + MINUTE },
      event: null,
    });
    const once = after({ ...job, onError: 'continue', runOnce: true, status: 'once-pending' }, ran(slot, null, 'boom')).patch;
    assert.deepEqual([once.status, once.nextRunAt, once.active], ['once-done', null, undefined]);
  });

  it('reports a recovery when a failing job succeeds, and only then', () => {
    const failing = { ...job, failing: true, lastError: 'boom' };
    assert.equal(after(failing, ran(slot, 'OK')).event, 'recovered');
    assert.equal(after(failing, ran(slot, 'OK')).patch.failing, false);
    assert.equal(after(job, ran(slot, 'OK')).event, null);
    assert.equal(after({ ...failing, onError: 'continue' }, ran(slot, null, 'again')).event, null);
  });

  it('treats a run that ended without result or error as an error', () => {
    const plan = after(job, ran(slot, null));
    assert.equal(plan.event, 'failed');
    assert.equal(plan.patch.active, false);
  });

  it('keeps a cron job on its slots after OK', () => {
    const cron = makeJob({ interval: null, cron: '0 3 * * *', nextRunAt: Date.parse('2026-01-02T02:00:00Z') });
    const slotAt = Date.parse('2026-01-02T02:00:00Z');
    assert.equal(after(cron, ran(slotAt, 'OK')).patch.nextRunAt, Date.parse('2026-01-03T02:00:00Z'));
  });
});

describe('planAfterRun for a cancelled run', () => {
  it('keeps the status, the last result and error, and moves to the next slot on the cadence', () => {
    const job = makeJob({ nextRunAt: T0 + MINUTE, lastResult: 'OK', lastError: null, status: 'ok' });
    const plan = after(job, { ...ran(T0 + MINUTE, null, 'cancelled by webmin'), cancelled: true });
    assert.deepEqual(plan, {
      patch: { lastRunAt: T0 + MINUTE + 5, lastScheduledAt: T0 + MINUTE, nextRunAt: T0 + 2 * MINUTE },
      event: null,
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../../../service/jobs/types.js';
import { planBoot, planCreate, planEdit, planReload, slotAfter } from '../../../service/scheduler/plan.js';
import { DAY, HOUR, MINUTE, T0, makeJob } from './job-fixture.js';

const TZ = 'Europe/Berlin';

function edit(before: Job, change: Partial<Job>, now: number) {
  return planEdit(before, { ...before, ...change }, now, TZ);
}

describe('slotAfter', () => {
  it('adds the interval, or finds the next cron slot in the job zone or the default one', () => {
    assert.equal(slotAfter(makeJob({ interval: 90 }), T0, TZ), T0 + 90_000);
    const cron = makeJob({ interval: null, cron: '0 3 * * *' });
    assert.equal(slotAfter(cron, T0, TZ), Date.parse('2026-01-01T02:00:00Z'));
    assert.equal(slotAfter({ ...cron, timezone: 'America/New_York' }, T0, TZ), Date.parse('2026-01-01T08:00:00Z'));
  });
});

describe('planCreate', () => {
  it('schedules an active job one interval from now', () => {
    assert.deepEqual(planCreate(makeJob({ interval: 300 }), T0, TZ), { status: 'ok', nextRunAt: T0 + 300_000 });
  });

  it('makes a Run Once job pending and an inactive job exit', () => {
    assert.deepEqual(planCreate(makeJob({ runOnce: true }), T0, TZ), { status: 'once-pending', nextRunAt: T0 + MINUTE });
    assert.deepEqual(planCreate(makeJob({ active: false }), T0, TZ), { status: 'exit', nextRunAt: null });
  });

  it('schedules a cron job at its next slot', () => {
    assert.deepEqual(planCreate(makeJob({ interval: null, cron: '*/15 * * * *' }), T0 + 1, TZ), {
      status: 'ok',
      nextRunAt: T0 + 15 * MINUTE,
    });
  });
});

describe('planEdit', () => {
  const now = T0 + 10 * MINUTE;

  it('deactivates: exit, nothing scheduled', () => {
    assert.deepEqual(edit(makeJob(), { active: false }, now), { status: 'exit', nextRunAt: null });
  });

  it('reactivates one interval from now, leaving failing and lastError alone', () => {
    const stopped = makeJob({ active: false, status: 'exit', nextRunAt: null, failing: true, lastError: 'boom' });
    assert.deepEqual(edit(stopped, { active: true }, now), { status: 'ok', nextRunAt: now + MINUTE });
    assert.deepEqual(edit({ ...stopped, runOnce: true }, { active: true }, now), { status: 'once-pending', nextRunAt: now + MINUTE });
  });

  it('counts a changed interval from the last scheduled run', () => {
    const ran = makeJob({ interval: 3600, lastScheduledAt: T0, nextRunAt: T0 + HOUR });
    assert.deepEqual(edit(ran, { interval: 1800 }, now), { nextRunAt: T0 + 30 * MINUTE });
  });

  it('counts a changed interval from creation when the job has not run yet', () => {
    assert.deepEqual(edit(makeJob({ interval: 3600, nextRunAt: T0 + HOUR }), { interval: 1200 }, now), { nextRunAt: T0 + 20 * MINUTE });
  });

  it('never schedules a shorter interval earlier than now', () => {
    const ran = makeJob({ interval: 3600, lastScheduledAt: T0, nextRunAt: T0 + HOUR });
    assert.deepEqual(edit(ran, { interval: 60 }, now), { nextRunAt: now });
  });

  it('counts from a reactivation, not from a run long before it', () => {
    // Ran on day 0, was off for days, reactivated at `back` with a fresh interval.
    const back = T0 + 5 * DAY;
    const job = makeJob({ interval: 3600, lastScheduledAt: T0, nextRunAt: back + HOUR });
    assert.deepEqual(edit(job, { interval: 7200 }, back + MINUTE), { nextRunAt: back + 2 * HOUR });
  });

  it('starts a changed cron expression or zone at its next slot after now', () => {
    const job = makeJob({ interval: null, cron: '0 3 * * *', nextRunAt: Date.parse('2026-01-01T02:00:00Z') });
    assert.deepEqual(edit(job, { cron: '0 4 * * *' }, now), { nextRunAt: Date.parse('2026-01-01T03:00:00Z') });
    assert.deepEqual(edit(job, { timezone: 'UTC' }, now), { nextRunAt: Date.parse('2026-01-01T03:00:00Z') });
    // The default zone written out is no change.
    assert.deepEqual(edit(job, { timezone: TZ }, now), {});
  });

  it('starts afresh when switching between interval and cron', () => {
    assert.deepEqual(edit(makeJob(), { interval: null, cron: '0 * * * *' }, now), { nextRunAt: T0 + HOUR });
    const cron = makeJob({ interval: null, cron: '0 * * * *', nextRunAt: T0 + HOUR });
    assert.deepEqual(edit(cron, { interval: 120, cron: null }, now), { nextRunAt: now + 2 * MINUTE });
  });

  it('leaves the schedule alone when nothing about it changed', () => {
    assert.deepEqual(edit(makeJob(), { description: 'new words', timeout: 5 }, now), {});
    assert.deepEqual(edit(makeJob({ active: false, status: 'exit', nextRunAt: null }), { interval: 5 }, now), {});
  });

  it('does not wake a stopped, sleeping or done job by a schedule edit', () => {
    assert.deepEqual(edit(makeJob({ status: 'stop', nextRunAt: null }), { interval: 5 }, now), {});
    assert.deepEqual(edit(makeJob({ status: 'sleep', nextRunAt: now + DAY }), { interval: 5 }, now), {});
    assert.deepEqual(edit(makeJob({ runOnce: true, status: 'once-done', nextRunAt: null }), { interval: 5 }, now), {});
  });

  it('follows Run Once being switched on or off', () => {
    assert.deepEqual(edit(makeJob(), { runOnce: true }, now), { status: 'once-pending' });
    assert.deepEqual(edit(makeJob({ runOnce: true, status: 'once-pending' }), { runOnce: false }, now), { status: 'ok' });
    const done = makeJob({ runOnce: true, status: 'once-done', nextRunAt: null });
    assert.deepEqual(edit(done, { runOnce: false }, now), { status: 'ok', nextRunAt: now + MINUTE });
  });
});

describe('planBoot', () => {
  const bootAt = T0 + DAY;

  it('keeps the slot of a job that was waiting', () => {
    assert.deepEqual(planBoot(makeJob({ nextRunAt: T0 + HOUR }), bootAt, TZ), {});
    assert.deepEqual(planBoot(makeJob({ status: 'sleep', nextRunAt: bootAt + HOUR }), bootAt, TZ), {});
  });

  it('turns stop into ok with a fresh slot from boot', () => {
    assert.deepEqual(planBoot(makeJob({ status: 'stop', nextRunAt: null }), bootAt, TZ), { status: 'ok', nextRunAt: bootAt + MINUTE });
  });

  it('makes Run Once jobs pending again, one interval after boot', () => {
    const done = makeJob({ runOnce: true, status: 'once-done', nextRunAt: null });
    assert.deepEqual(planBoot(done, bootAt, TZ), { status: 'once-pending', nextRunAt: bootAt + MINUTE });
    const pending = makeJob({ runOnce: true, status: 'once-pending', nextRunAt: T0 + MINUTE });
    assert.deepEqual(planBoot(pending, bootAt, TZ), { status: 'once-pending', nextRunAt: bootAt + MINUTE });
  });

  it('leaves inactive jobs out, and fills a missing slot', () => {
    assert.deepEqual(planBoot(makeJob({ active: false, status: 'exit', nextRunAt: null }), bootAt, TZ), {});
    assert.deepEqual(planBoot(makeJob({ active: false, status: 'ok' }), bootAt, TZ), { status: 'exit', nextRunAt: null });
    assert.deepEqual(planBoot(makeJob({ nextRunAt: null }), bootAt, TZ), { nextRunAt: bootAt + MINUTE });
  });
});

describe('planReload', () => {
  const now = T0 + HOUR;

  it('gives a stopped job a fresh interval', () => {
    assert.deepEqual(planReload(makeJob({ status: 'stop', nextRunAt: null }), now, TZ), { status: 'ok', nextRunAt: now + MINUTE });
  });

  it('keeps the remaining time of every other job, and done stays done', () => {
    assert.equal(planReload(makeJob({ nextRunAt: now + 30_000 }), now, TZ), null);
    assert.equal(planReload(makeJob({ status: 'sleep', nextRunAt: now + DAY }), now, TZ), null);
    assert.equal(planReload(makeJob({ runOnce: true, status: 'once-done', nextRunAt: null }), now, TZ), null);
    assert.equal(planReload(makeJob({ active: false, status: 'exit', nextRunAt: null }), now, TZ), null);
  });
});

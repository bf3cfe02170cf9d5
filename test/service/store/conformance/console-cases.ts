/** The operator's console in the store: run filters, who did what, and the dashboard's aggregates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { FinishedRun, NewRun } from '../../../../service/jobs/types.js';
import { CONFORMANCE_RUN_HISTORY, newJob, newRun, type StoreContext, succeeded, T0 } from './context.js';

const DAY = 86_400_000;

export function describeConsole(context: StoreContext): void {
  /** Starts a run and, unless `ending` is null, finishes it; resolves to its id. */
  async function run(start: NewRun, ending: Partial<FinishedRun> | null = {}): Promise<number> {
    const id = await context.store.startRun(start);
    if (ending !== null) await context.store.finishRun(id, succeeded(start.queuedAt, ending));
    return id;
  }

  describe('run filters', () => {
    async function seed(): Promise<Record<string, number>> {
      await context.store.createJob(newJob('alpha'), '');
      await context.store.createJob(newJob('beta'), '');
      return {
        alphaOk: await run(newRun('alpha', T0)),
        betaError: await run(newRun('beta', T0 + 1000), { outcome: 'error', result: null, error: { message: 'x' } }),
        alphaManual: await run(newRun('alpha', T0 + 2000, { trigger: 'manual', scheduledAt: null, by: 'webmin' })),
        betaDraft: await run(newRun('beta', T0 + 3000, { trigger: 'draft', scheduledAt: null, codeVersion: null, by: 'webmin' }), {
          outcome: 'cancelled',
          result: null,
          error: { message: 'cancelled by webmin' },
          cancelledBy: 'webmin',
        }),
        alphaRunning: await run(newRun('alpha', T0 + 4000), null),
      };
    }
    const ids = async (query: Parameters<typeof context.store.listRuns>[0]) => (await context.store.listRuns(query)).map((r) => r.id);

    it('filters by outcome, trigger, job and queueing time, newest first, and combines them', async () => {
      const r = await seed();
      assert.deepEqual(await ids({ limit: 10, outcome: 'error' }), [r.betaError]);
      assert.deepEqual(await ids({ limit: 10, outcome: 'running' }), [r.alphaRunning]);
      assert.deepEqual(await ids({ limit: 10, trigger: 'manual' }), [r.alphaManual]);
      assert.deepEqual(await ids({ limit: 10, trigger: 'schedule', job: 'alpha' }), [r.alphaRunning, r.alphaOk]);
      assert.deepEqual(await ids({ limit: 10, since: T0 + 1000, until: T0 + 3000 }), [r.alphaManual, r.betaError]);
      assert.deepEqual(await ids({ limit: 10, job: 'beta', outcome: 'cancelled', since: T0 }), [r.betaDraft]);
      assert.deepEqual(await ids({ limit: 2, before: r.alphaManual }), [r.betaError, r.alphaOk]);
      assert.deepEqual(await ids({ limit: 10, job: 'alpha', outcome: 'error' }), []);
    });

    it('keeps who started a run and who cancelled it', async () => {
      const r = await seed();
      const draft = await context.store.getRun(r.betaDraft!);
      assert.equal(draft?.trigger, 'draft');
      assert.equal(draft.by, 'webmin');
      assert.equal(draft.cancelledBy, 'webmin');
      const scheduled = await context.store.getRun(r.alphaRunning!);
      assert.equal(scheduled?.cancelledBy, null);
      const byScheduler = await run(newRun('beta', T0 + 9000, { by: null }));
      assert.equal((await context.store.getRun(byScheduler))?.by, null);
    });
  });

  describe('who saved a code version', () => {
    it('records by on each save, null when none is given', async () => {
      await context.store.createJob(newJob('coded'), 'one', 'token');
      await context.store.saveCode('coded', 'two', { by: 'webmin' });
      await context.store.saveCode('coded', 'three');
      assert.deepEqual(
        (await context.store.listVersions('coded')).map((v) => [v.version, v.by]),
        [
          [3, null],
          [2, 'webmin'],
          [1, 'token'],
        ],
      );
      assert.equal((await context.store.getCode('coded', 2))?.by, 'webmin');
    });
  });

  describe('run statistics', () => {
    const query = { since: T0, until: T0 + 2 * DAY, previousSince: T0 - 2 * DAY, dayOffsetHours: 0, failingLimit: 5 };

    it('counts ended runs per day and outcome, means, p95 and the jobs failing most over the period and the one before', async () => {
      await context.store.createJob(newJob('steady', { status: 'ok', active: true }), '');
      await context.store.createJob(newJob('flaky', { status: 'exit', active: false }), '');
      // Before the period: one slow success, late by 1 s.
      await run(newRun('steady', T0 - DAY, { scheduledAt: T0 - DAY - 1000 }), { durationMs: 9000, waitMs: 1000 });
      // Day one: durations 100..1000, late by 10 ms each; two errors and a timeout of flaky (late by 7 ms, succeeded's default).
      // Spread over five jobs: the store keeps only the newest runs of each job.
      for (let j = 0; j < 5; j++) await context.store.createJob(newJob(`steady${j}`, { status: 'ok', active: true }), '');
      for (let i = 1; i <= 10; i++) await run(newRun(`steady${i % 5}`, T0 + i * 1000, { scheduledAt: T0 + i * 1000 - 10 }), { durationMs: i * 100, waitMs: 10 });
      await run(newRun('flaky', T0 + 20_000), { outcome: 'error', result: null, error: { message: 'x' }, durationMs: 50 });
      await run(newRun('flaky', T0 + 21_000), { outcome: 'error', result: null, error: { message: 'x' }, durationMs: 50 });
      await run(newRun('flaky', T0 + DAY + 1000), { outcome: 'timeout', result: null, error: { message: 't' }, durationMs: 50 });
      // Day two: a manual cancelled run (no slot: its wait is no lateness) and one still running,
      // counted only in flight; after the period, one not counted.
      await run(newRun('steady', T0 + DAY + 2000, { trigger: 'manual', scheduledAt: null }), { outcome: 'cancelled', result: null, error: { message: 'c' }, durationMs: 70, waitMs: 500 });
      await run(newRun('flaky', T0 + DAY + 3000), null);
      await run(newRun('steady', T0 + 3 * DAY), {});

      const stats = await context.store.runStats(query);
      const day = (n: number) => Math.floor((T0 + n * DAY) / DAY);
      const perDay = stats.perDay.map((row) => `${row.day - day(0)} ${row.outcome} ${row.count}`).sort();
      assert.deepEqual(perDay, ['0 error 2', '0 success 10', '1 cancelled 1', '1 timeout 1']);
      assert.deepEqual(stats.current.byOutcome, { success: 10, error: 2, timeout: 1, cancelled: 1 });
      // Durations of ended runs: 100..1000, 50 ×3, 70 → 14 values; nearest-rank p95 is the 14th.
      assert.equal(stats.current.p95DurationMs, 1000);
      assert.ok(Math.abs(stats.current.meanDurationMs! - (5500 + 150 + 70) / 14) < 0.01);
      // Lateness of the ended scheduled runs: 10 × 10 ms and 3 × 7 ms.
      assert.ok(Math.abs(stats.current.meanLatenessMs! - (100 + 21) / 13) < 0.01);
      assert.equal(stats.current.p95LatenessMs, 10);
      assert.deepEqual(stats.previous.byOutcome, { success: 1 });
      assert.equal(stats.previous.p95DurationMs, 9000);
      assert.equal(stats.previous.meanLatenessMs, 1000);
      assert.deepEqual(stats.failingMost, [{ job: 'flaky', failures: 3, runs: 3 }]);
      assert.equal(stats.inFlight, 1);
      assert.deepEqual(
        stats.jobsByStatus.map((row) => `${row.status} ${row.active} ${row.count}`).sort(),
        ['exit false 1', 'ok true 6'],
      );
    });

    it('keeps counting runs the history pruned, counts runs interrupted at start, and forgets a deleted job', async () => {
      await context.store.createJob(newJob('busy'), '');
      await context.store.createJob(newJob('gone'), '');
      const runs = CONFORMANCE_RUN_HISTORY + 5;
      for (let i = 0; i < runs; i++) await run(newRun('busy', T0 + i * 1000), { outcome: 'error', result: null, error: { message: 'x' } });
      assert.equal((await context.store.listRuns({ job: 'busy', limit: 1000 })).length, CONFORMANCE_RUN_HISTORY);
      await run(newRun('gone', T0 + DAY), { outcome: 'timeout', result: null, error: { message: 't' } });
      await run(newRun('gone', T0 + DAY + 1000), null);
      assert.equal(await context.store.interruptRunning(T0 + DAY + 2000, 'the service stopped'), 1);
      const before = await context.store.runStats(query);
      assert.deepEqual(before.current.byOutcome, { error: runs, timeout: 1, interrupted: 1 });
      assert.deepEqual(before.failingMost, [
        { job: 'busy', failures: runs, runs },
        { job: 'gone', failures: 1, runs: 2 },
      ]);
      assert.equal(before.inFlight, 0);
      await context.store.deleteJob('gone');
      const after = await context.store.runStats(query);
      assert.deepEqual(after.failingMost, [{ job: 'busy', failures: runs, runs }]);
      // The service's totals keep what the deleted job did.
      assert.deepEqual(after.current.byOutcome, before.current.byOutcome);
    });

    it('cuts days at the given offset', async () => {
      await context.store.createJob(newJob('late'), '');
      // 23:30 UTC is the next day at +01:00.
      await run(newRun('late', T0 + 11.5 * 3600_000));
      const utc = await context.store.runStats(query);
      const shifted = await context.store.runStats({ ...query, dayOffsetHours: 1 });
      assert.equal(shifted.perDay[0]!.day, utc.perDay[0]!.day + 1);
    });

    it('answers zeros and nulls for a period without runs', async () => {
      const stats = await context.store.runStats(query);
      assert.deepEqual(stats.perDay, []);
      assert.deepEqual(stats.current, { byOutcome: {}, meanDurationMs: null, p95DurationMs: null, meanLatenessMs: null, p95LatenessMs: null });
      assert.deepEqual(stats.failingMost, []);
      assert.equal(stats.inFlight, 0);
    });
  });
}

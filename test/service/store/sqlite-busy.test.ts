/**
 * Several connections writing one SQLite file at once, as the service runs: the main thread
 * records runs and saves code while the sandbox workers, each on its own connection, save
 * `core.data` objects. SQLite answers a deferred transaction that reads and then writes with
 * SQLITE_BUSY_SNAPSHOT at once when another connection committed in between; every write
 * transaction must take the write lock up front so busy is waited out, never answered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SandboxPool } from '../../../sandbox/pool.js';
import { workerHostSpec } from '../../../service/helpers/worker-host.js';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE } from '../../../service/jobs/types.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { helperConfig } from '../helpers/fixtures.js';

/** Long enough for thousands of interleaved commits on a loaded two-core machine. */
const RUN_MS = Number(process.env.QUICKJOBS_BUSY_MS ?? 4_000);
const WORKERS = 3;

/** Saves objects as fast as it can until told the time is up, then reports how many. */
const DATA_WRITER = `
  const job = core.job();
  job.run = async () => {
    const box = core.data('busy');
    const until = Date.now() + ${RUN_MS};
    let saved = 0;
    while (Date.now() < until) {
      const [, err] = await box.save({ _id: 'w' + (saved % 50), n: saved });
      if (err) throw new Error('core.data save failed: ' + err);
      saved += 1;
    }
    core.log(String(saved));
    return job.OK;
  };
  return job;`;

describe('SQLite under concurrent writers on several connections', () => {
  let dir: string;
  let store: SqliteStore;
  let pool: SandboxPool;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qj-busy-'));
    const file = join(dir, 'store.db');
    store = SqliteStore.open({ file, runHistory: 20, backgroundCheckpoint: true });
    pool = await SandboxPool.create({
      workers: WORKERS,
      host: workerHostSpec({ helpers: helperConfig(), store: { kind: 'sqlite', file } }),
    });
    for (const name of ['a', 'b']) {
      await store.createJob(
        { ...DEFAULT_SETTINGS, ...NEW_JOB_STATE, interval: 1, nextRunAt: null, path: `${name}.js`, owner: 'user', sourceHash: null, createdAt: 0, updatedAt: 0, name },
        'return 1',
      );
    }
  });

  after(async () => {
    await pool?.dispose();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits out every busy moment: no write fails, on the main thread or in the workers', async () => {
    const runs = Array.from({ length: WORKERS }, () =>
      pool.run({ jobName: 'w', code: DATA_WRITER, trigger: 'manual', lastRunAt: null, timeoutMs: RUN_MS + 20_000, memoryBytes: 64 << 20, timeZone: 'UTC', logLimitBytes: 65_536 }),
    );
    // The main thread's transactions that read before they write: a run's finish (reads its job,
    // prunes), code saves (reads the version), job updates, sessions.
    let mainWrites = 0;
    const mainErrors: unknown[] = [];
    const until = Date.now() + RUN_MS;
    while (Date.now() < until) {
      for (const job of ['a', 'b']) {
        try {
          const startedAt = Date.now();
          // Each slot once (a slot is claimed once): one per write, not per millisecond.
          const id = await store.startRun({ job, trigger: 'schedule', scheduledAt: mainWrites, queuedAt: startedAt, codeVersion: 1 });
          await store.finishRun(id, { startedAt, finishedAt: startedAt + 1, waitMs: 0, durationMs: 1, result: 'OK', outcome: 'success', error: null, logs: [] }, { lastRunAt: startedAt });
          await store.saveCode(job, `return ${mainWrites}`);
          await store.updateJob(job, { lastResult: 'OK' });
          await store.createSession(`s${mainWrites % 10}`, Date.now() + 60_000);
          mainWrites += 5;
        } catch (error) {
          mainErrors.push(error);
        }
      }
      // Let the workers' answers through now and then, as the tick loop does between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.all(runs);
    const failed = outcomes.filter((o) => o.outcome !== 'success');
    const workerWrites = outcomes.reduce((sum, o) => sum + (o.outcome === 'success' ? Number(o.logs[0]?.message ?? 0) : 0), 0);
    console.log(`# busy errors: main thread ${mainErrors.length} of ${mainWrites} writes; workers ${failed.length} failed runs, ${workerWrites} core.data saves`);
    assert.deepEqual(mainErrors.map((e) => (e as Error).message), []);
    assert.deepEqual(failed.map((o) => ('error' in o ? o.error.message : '')), []);
    assert.ok(mainWrites > 100 && workerWrites > 100, `both sides wrote (${mainWrites} / ${workerWrites})`);
  });
});

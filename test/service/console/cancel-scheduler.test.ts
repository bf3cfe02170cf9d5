/**
 * Cancel in the scheduler, over a real SQLite store: a cancelled scheduled run keeps the job's
 * status and cadence, and a run that ends in the same turn as its cancel is written once, with the
 * outcome the cancel reports.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ServiceEvents } from '../../../service/events/service-events.js';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE, type Job, type RunRecord } from '../../../service/jobs/types.js';
import type { Runner, RunOutcome, RunRequest } from '../../../service/scheduler/runner.js';
import { Scheduler } from '../../../service/scheduler/scheduler.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import type { Store } from '../../../service/store/store.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** Runs end when the test says, or at once as cancelled when their signal is aborted, as the pool does. */
class CancellableRunner implements Runner {
  readonly started: Array<{ request: RunRequest; end: (outcome: RunOutcome) => void }> = [];

  execute(request: RunRequest): Promise<RunOutcome> {
    return new Promise((resolve) => {
      let ended = false;
      const end = (outcome: RunOutcome) => {
        if (!ended) resolve(outcome);
        ended = true;
      };
      request.signal?.addEventListener('abort', () => end({ outcome: 'cancelled', error: { message: String(request.signal?.reason) }, logs: [] }));
      this.started.push({ request, end });
    });
  }
}

let dir: string;
let sqlite: SqliteStore;
/** finishRun calls by run id. */
let writes: Map<number, number>;
let store: Store;
let runner: CancellableRunner;
let scheduler: Scheduler;
let recorded: Map<number, (run: RunRecord) => void>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-cancel-'));
  sqlite = SqliteStore.open({ file: join(dir, 'q.db'), runHistory: 50 });
  writes = new Map();
  store = new Proxy(sqlite, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'finishRun' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (id: number, ...rest: unknown[]) => {
        writes.set(id, (writes.get(id) ?? 0) + 1);
        return (value as (...args: unknown[]) => unknown).call(target, id, ...rest);
      };
    },
  });
  runner = new CancellableRunner();
  recorded = new Map();
  const job: Omit<Job, 'version'> = {
    ...DEFAULT_SETTINGS,
    interval: 10,
    ...NEW_JOB_STATE,
    nextRunAt: T0 + 10_000,
    path: 'steady.js',
    owner: 'user',
    sourceHash: null,
    createdAt: T0,
    updatedAt: T0,
    name: 'steady',
    lastError: 'an older failure',
  };
  await sqlite.createJob(job, 'return 1');
  scheduler = new Scheduler({
    store,
    runner,
    events: new ServiceEvents(),
    log: pino({ level: 'silent' }),
    timeZone: 'UTC',
    now: () => T0 + 10_000,
    onRunFinished: (_job, run) => recorded.get(run.id)?.(run),
  });
  await scheduler.start();
  scheduler.stop();
});

afterEach(async () => {
  await sqlite.close();
  await rm(dir, { recursive: true, force: true });
});

/** Launches the job's slot and resolves once its run executes. */
async function launch(): Promise<{ request: RunRequest; end: (outcome: RunOutcome) => void; done: Promise<RunRecord> }> {
  scheduler.tick(T0 + 10_000);
  while (runner.started.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const run = runner.started.shift()!;
  const done = new Promise<RunRecord>((resolve) => recorded.set(run.request.runId, resolve));
  return { ...run, done };
}

describe('cancelling in the scheduler', () => {
  it('records a cancelled scheduled run once, and the job keeps its status, last error and cadence', async () => {
    const run = await launch();
    const answer = await scheduler.cancel(run.request.runId, 'webmin');
    assert.equal(answer?.outcome, 'cancelled');
    assert.equal(answer.cancelledBy, 'webmin');
    await run.done;
    const stored = await sqlite.getRun(run.request.runId);
    assert.deepEqual([stored?.outcome, stored?.cancelledBy, stored?.error?.message], ['cancelled', 'webmin', 'cancelled by webmin']);
    const job = await sqlite.getJob('steady');
    assert.deepEqual([job?.status, job?.active, job?.lastError, job?.nextRunAt], ['ok', true, 'an older failure', T0 + 20_000]);
    assert.equal(writes.get(run.request.runId), 1);
  });

  it('writes a run that ends in the same turn just before its cancel once, as it ended, and the cancel says so', async () => {
    const run = await launch();
    run.end({ outcome: 'success', result: 'OK', logs: [] });
    const answer = await scheduler.cancel(run.request.runId, 'token');
    await run.done;
    assert.equal(answer?.outcome, 'success');
    assert.equal((await sqlite.getRun(run.request.runId))?.outcome, 'success');
    assert.equal(writes.get(run.request.runId), 1);
  });

  it('writes a run that ends in the same turn just after its cancel once, as cancelled', async () => {
    const run = await launch();
    const answer = scheduler.cancel(run.request.runId, 'token');
    run.end({ outcome: 'success', result: 'OK', logs: [] });
    assert.equal((await answer)?.outcome, 'cancelled');
    await run.done;
    assert.equal((await sqlite.getRun(run.request.runId))?.outcome, 'cancelled');
    assert.equal(writes.get(run.request.runId), 1);
  });

  it('answers null for a run that is not executing', async () => {
    assert.equal(await scheduler.cancel(12345, 'token'), null);
    const run = await launch();
    run.end({ outcome: 'success', result: 'OK', logs: [] });
    await run.done;
    assert.equal(await scheduler.cancel(run.request.runId, 'token'), null);
  });
});

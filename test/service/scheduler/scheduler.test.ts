/**
 * The tick loop driven by a fake clock and a fake Runner over a real SQLite store: what it
 * launches, when, and what it records — without QuickJS.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ServiceEvents } from '../../../service/events/service-events.js';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE, type Job, type JobResult, type RunRecord } from '../../../service/jobs/types.js';
import type { DecideAfterRun, Runner, RunStart } from '../../../service/scheduler/runner.js';
import { Scheduler } from '../../../service/scheduler/scheduler.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import type { Store } from '../../../service/store/store.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** The scheduler's copy of a job. */
const cached = (scheduler: Scheduler, name: string): Job => scheduler.list().find((job) => job.name === name)!;

/** A runner whose runs end when the test says so. */
class FakeRunner implements Runner {
  readonly started: Array<{ job: string; start: RunStart; finish: (result: JobResult | Error) => Promise<RunRecord> }> = [];
  constructor(
    private readonly store: Store,
    private readonly clock: { now: number },
  ) {}

  run(job: Job, start: RunStart, decide: DecideAfterRun): Promise<RunRecord> {
    return new Promise((resolve, reject) => {
      const startedAt = this.clock.now;
      const idPromise = this.store.startRun({ job: job.name, trigger: start.trigger, scheduledAt: start.scheduledAt, startedAt, codeVersion: 1 });
      this.started.push({
        job: job.name,
        start,
        finish: async (result) => {
          const id = await idPromise;
          const record: RunRecord = {
            id,
            job: job.name,
            trigger: start.trigger,
            scheduledAt: start.scheduledAt,
            startedAt,
            finishedAt: this.clock.now,
            durationMs: this.clock.now - startedAt,
            result: result instanceof Error ? null : result,
            outcome: result instanceof Error ? 'error' : 'success',
            error: result instanceof Error ? { message: result.message } : null,
            logs: [],
            codeVersion: 1,
          };
          try {
            await this.store.finishRun(id, record, decide(record));
            resolve(record);
          } catch (error) {
            reject(error);
          }
          await new Promise((r) => setImmediate(r));
          return record;
        },
      });
    });
  }
}

let dir: string;
let store: SqliteStore;
let clock: { now: number };
let runner: FakeRunner;
let scheduler: Scheduler;

async function addJob(name: string, fields: Partial<Job>): Promise<void> {
  const job: Omit<Job, 'version'> = {
    ...DEFAULT_SETTINGS,
    interval: 10,
    ...NEW_JOB_STATE,
    nextRunAt: T0 + 10_000,
    path: `${name}.js`,
    owner: 'user',
    sourceHash: null,
    createdAt: T0,
    updatedAt: T0,
    name,
    ...fields,
  };
  await store.createJob(job, 'return 1');
}

async function boot(): Promise<void> {
  scheduler = new Scheduler({ store, runner, events: new ServiceEvents(), log: pino({ level: 'silent' }), timeZone: 'UTC', now: () => clock.now });
  await scheduler.start();
  scheduler.stop(); // the test drives tick() itself
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-sched-'));
  store = SqliteStore.open({ file: join(dir, 'q.db'), runHistory: 50 });
  clock = { now: T0 };
  runner = new FakeRunner(store, clock);
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the tick loop', () => {
  it('launches a job when its slot comes, not before', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 9_999);
    assert.equal(runner.started.length, 0);
    scheduler.tick(T0 + 10_000);
    assert.equal(runner.started.length, 1);
    assert.equal(runner.started[0]!.start.scheduledAt, T0 + 10_000);
    assert.equal(runner.started[0]!.start.trigger, 'schedule');
  });

  it('never launches a job twice at once, and after OK counts the next slot from the scheduled time', async () => {
    await addJob('a', {});
    await boot();
    clock.now = T0 + 10_003;
    scheduler.tick(clock.now);
    scheduler.tick(clock.now + 100);
    assert.equal(runner.started.length, 1, 'no overlap');
    clock.now = T0 + 10_050;
    await runner.started[0]!.finish('OK');
    const job = cached(scheduler, 'a');
    assert.equal(job.nextRunAt, T0 + 20_000, 'no drift');
    assert.equal(job.lastResult, 'OK');
    assert.equal((await store.getJob('a'))!.nextRunAt, T0 + 20_000, 'written to the store');
  });

  it('runs once, not once per missed slot, when a run overran several intervals', async () => {
    await addJob('a', { missed: 'once' });
    await boot();
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    clock.now = T0 + 45_000; // overran three slots
    await runner.started[0]!.finish('OK');
    assert.equal(cached(scheduler, 'a').nextRunAt, T0 + 40_000, 'due at once, on the cadence');
    scheduler.tick(clock.now);
    assert.equal(runner.started.length, 2);
    clock.now = T0 + 45_010;
    await runner.started[1]!.finish('OK');
    assert.equal(cached(scheduler, 'a').nextRunAt, T0 + 50_000, 'back on the original cadence');
  });

  it('records an error, deactivates the job and keeps the message', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 10_000);
    await runner.started[0]!.finish(new Error('boom'));
    const job = (await store.getJob('a'))!;
    assert.equal(job.active, false);
    assert.equal(job.status, 'exit');
    assert.equal(job.lastError, 'boom');
    assert.equal(job.nextRunAt, null);
  });

  it('keeps a job a person deactivated during its run inactive', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 10_000);
    const edited = await store.updateJob('a', { active: false, status: 'exit', nextRunAt: null });
    scheduler.upsert(edited);
    await runner.started[0]!.finish('OK');
    const job = (await store.getJob('a'))!;
    assert.equal(job.active, false);
    assert.equal(job.status, 'exit');
  });

  it('boots a stopped job as ok with a fresh interval and records in-flight runs as interrupted', async () => {
    await addJob('stopped', { status: 'stop', nextRunAt: null });
    await addJob('busy', {});
    const id = await store.startRun({ job: 'busy', trigger: 'schedule', scheduledAt: T0, startedAt: T0, codeVersion: 1 });
    clock.now = T0 + 60_000;
    await boot();
    const stopped = cached(scheduler, 'stopped');
    assert.equal(stopped.status, 'ok');
    assert.equal(stopped.nextRunAt, T0 + 70_000);
    assert.equal((await store.getRun(id))!.outcome, 'interrupted');
  });

  it('leaves the job as it was and retries later when the store fails to record a run', async () => {
    await addJob('a', {});
    await boot();
    const finishRun = store.finishRun.bind(store);
    let failures = 0;
    store.finishRun = async (...args) => {
      if (failures++ === 0) throw new Error('disk full');
      return finishRun(...args);
    };
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    await runner.started[0]!.finish('OK').catch(() => {});
    await new Promise((r) => setImmediate(r));
    assert.equal((await store.getJob('a'))!.lastRunAt, null, 'nothing half-written');
    assert.equal(scheduler.isRunning('a'), false);
    scheduler.tick(clock.now + 5_000);
    assert.equal(runner.started.length, 2, 'retried');
  });
});

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
import type { Runner, RunOutcome, RunRequest } from '../../../service/scheduler/runner.js';
import { Scheduler } from '../../../service/scheduler/scheduler.js';
import { StoreUnavailableError } from '../../../service/store/errors.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** The scheduler's copy of a job. */
const cached = (scheduler: Scheduler, name: string): Job => scheduler.list().find((job) => job.name === name)!;

/** A runner that writes nothing and whose runs end when the test says so. */
class FakeRunner implements Runner {
  readonly started: Array<{ request: RunRequest; end: (outcome: RunOutcome) => void }> = [];

  execute(request: RunRequest): Promise<RunOutcome> {
    return new Promise((end) => this.started.push({ request, end }));
  }
}

/** Lets the store's answers (synchronous under SQLite) reach the scheduler. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Ends the `index`th run and resolves once the scheduler has recorded it. */
function finish(index: number, result: JobResult | Error): Promise<RunRecord> {
  const run = runner.started[index]!;
  const recorded = new Promise<RunRecord>((resolve) => finished.once(run.request.runId, resolve));
  run.end(result instanceof Error ? { outcome: 'error', error: { message: result.message }, logs: [] } : { outcome: 'success', result, logs: [] });
  return recorded;
}

/** Job `a` booted and launched at its first slot: its run on the runner, and its record once the scheduler has written its end. */
async function launchedRun() {
  await addJob('a', {});
  await boot();
  scheduler.tick(T0 + 10_000);
  await settle();
  const started = runner.started[0]!;
  const recorded = new Promise<RunRecord>((resolve) => finished.once(started.request.runId, resolve));
  return { ...started, recorded };
}

/** The scheduler's onRunFinished, by run id. */
class Finished {
  private readonly waiting = new Map<number, (run: RunRecord) => void>();
  once(id: number, resolve: (run: RunRecord) => void): void {
    this.waiting.set(id, resolve);
  }
  emit(run: RunRecord): void {
    this.waiting.get(run.id)?.(run);
    this.waiting.delete(run.id);
  }
}

let dir: string;
let store: SqliteStore;
let clock: { now: number };
let runner: FakeRunner;
let scheduler: Scheduler;
let finished: Finished;

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
  scheduler = new Scheduler({
    store,
    runner,
    events: new ServiceEvents(),
    log: pino({ level: 'silent' }),
    timeZone: 'UTC',
    now: () => clock.now,
    onRunFinished: (_job, run) => finished.emit(run),
    finishRetryDelaysMs: [5],
  });
  await scheduler.start();
  scheduler.stop(); // the test drives tick() itself
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-sched-'));
  store = SqliteStore.open({ file: join(dir, 'q.db'), runHistory: 50 });
  clock = { now: T0 };
  runner = new FakeRunner();
  finished = new Finished();
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the tick loop', () => {
  it('launches a job when its slot comes, not before, recording the run before it executes', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 9_999);
    await settle();
    assert.equal(runner.started.length, 0);
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    await settle();
    assert.equal(runner.started.length, 1);
    const { request } = runner.started[0]!;
    assert.equal(request.trigger, 'schedule');
    assert.equal(request.code, 'return 1');
    const run = (await store.getRun(request.runId))!;
    assert.equal(run.outcome, 'running');
    assert.equal(run.scheduledAt, T0 + 10_000);
  });

  it('never launches a job twice at once, and after OK counts the next slot from the scheduled time', async () => {
    await addJob('a', {});
    await boot();
    clock.now = T0 + 10_003;
    scheduler.tick(clock.now);
    scheduler.tick(clock.now + 100);
    await settle();
    assert.equal(runner.started.length, 1, 'no overlap');
    clock.now = T0 + 10_050;
    const run = await finish(0, 'OK');
    assert.equal(run.outcome, 'success');
    const job = cached(scheduler, 'a');
    assert.equal(job.nextRunAt, T0 + 20_000, 'no drift');
    assert.equal(job.lastResult, 'OK');
    assert.equal((await store.getJob('a'))!.nextRunAt, T0 + 20_000, 'written to the store');
    assert.equal((await store.getRun(run.id))!.outcome, 'success');
  });

  it('runs once, not once per missed slot, when a run overran several intervals', async () => {
    await addJob('a', { missed: 'once' });
    await boot();
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    await settle();
    clock.now = T0 + 45_000; // overran three slots
    await finish(0, 'OK');
    assert.equal(cached(scheduler, 'a').nextRunAt, T0 + 40_000, 'due at once, on the cadence');
    scheduler.tick(clock.now);
    await settle();
    assert.equal(runner.started.length, 2);
    clock.now = T0 + 45_010;
    await finish(1, 'OK');
    assert.equal(cached(scheduler, 'a').nextRunAt, T0 + 50_000, 'back on the original cadence');
  });

  it('records an error, deactivates the job and keeps the message', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 10_000);
    await settle();
    await finish(0, new Error('boom'));
    const job = (await store.getJob('a'))!;
    assert.equal(job.active, false);
    assert.equal(job.status, 'exit');
    assert.equal(job.lastError, 'boom');
    assert.equal(job.nextRunAt, null);
  });

  it('records runs it was told to interrupt (its node lost its place) as interrupted, not cancelled', async () => {
    const { request, end, recorded } = await launchedRun();
    // The runner ends a run whose signal aborts as cancelled, with the reason, as the pool does.
    request.signal!.addEventListener('abort', () => end({ outcome: 'cancelled', error: { message: String(request.signal!.reason) }, logs: [] }));
    assert.equal(scheduler.interruptAll('this node lost its place'), 1);
    assert.equal(scheduler.interruptAll('again'), 0, 'a run is interrupted once');
    const run = await recorded;
    assert.equal(run.outcome, 'interrupted');
    assert.match(run.error!.message, /this node lost its place/);
    assert.equal(run.cancelledBy, null);
    assert.equal((await store.getJob('a'))!.active, true);
  });

  it('records a run whose sandbox thread died of something else as interrupted, and leaves its job active with no error', async () => {
    const { end, recorded } = await launchedRun();
    // What the pool answers for a run on a thread that died of something else (pool.test.ts).
    const message = 'the sandbox thread running this job stopped (exit code 1); the run was cut short through no fault of its own';
    end({ outcome: 'interrupted', error: { message }, logs: [] });
    const run = await recorded;
    assert.equal(run.outcome, 'interrupted');
    const job = (await store.getJob('a'))!;
    assert.equal(job.active, true);
    assert.equal(job.lastError, null);
  });

  it('keeps a job a person deactivated during its run inactive', async () => {
    await addJob('a', {});
    await boot();
    scheduler.tick(T0 + 10_000);
    await settle();
    const edited = await store.updateJob('a', { active: false, status: 'exit', nextRunAt: null });
    scheduler.upsert(edited);
    await finish(0, 'OK');
    const job = (await store.getJob('a'))!;
    assert.equal(job.active, false);
    assert.equal(job.status, 'exit');
  });

  it('boots a stopped job as ok with a fresh interval and records in-flight runs as interrupted', async () => {
    await addJob('stopped', { status: 'stop', nextRunAt: null });
    await addJob('busy', {});
    const id = await store.startRun({ job: 'busy', trigger: 'schedule', scheduledAt: T0, queuedAt: T0, codeVersion: 1 });
    clock.now = T0 + 60_000;
    await boot();
    const stopped = cached(scheduler, 'stopped');
    assert.equal(stopped.status, 'ok');
    assert.equal(stopped.nextRunAt, T0 + 70_000);
    assert.equal((await store.getRun(id))!.outcome, 'interrupted');
  });

  it('executes nothing and tries the slot again later when the store cannot record the start', async () => {
    await addJob('a', {});
    await boot();
    const startRuns = store.startRuns.bind(store);
    let failures = 0;
    store.startRuns = async (...args) => {
      if (failures++ === 0) throw new Error('disk full');
      return startRuns(...args);
    };
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    await settle();
    assert.equal(runner.started.length, 0, 'nothing executed without a recorded start');
    assert.equal(scheduler.isRunning('a'), false);
    assert.equal((await store.listRuns({ job: 'a', limit: 10 })).length, 0);
    scheduler.tick(clock.now + 5_000);
    await settle();
    assert.equal(runner.started.length, 1, 'tried again');
  });

  it('closes a start the store committed but whose answer was lost, as never executed, and goes on at the next slot', async () => {
    await addJob('a', {});
    await boot();
    const startRuns = store.startRuns.bind(store);
    let lost = true;
    store.startRuns = async (...args) => {
      const id = await startRuns(...args);
      if (!lost) return id;
      lost = false;
      throw new StoreUnavailableError('MySQL store gave no answer within 5 s', 'no answer within 5 s');
    };
    clock.now = T0 + 10_000;
    scheduler.tick(clock.now);
    await settle();
    await settle();
    assert.equal(runner.started.length, 0);
    const [orphan] = await store.listRuns({ job: 'a', limit: 10 });
    assert.equal(orphan?.outcome, 'interrupted');
    assert.match(orphan?.error?.message ?? '', /never executed/);
    // The slot was claimed by that record: it is not run again (a slot runs at most once), and
    // the job keeps its cadence from it.
    clock.now += 5_000;
    scheduler.tick(clock.now);
    await settle();
    assert.equal(runner.started.length, 0, 'the claimed slot does not run again');
    clock.now = T0 + 20_000;
    scheduler.tick(clock.now);
    await settle();
    assert.equal(runner.started.length, 1, 'the next slot runs');
    const [run] = await store.listRuns({ job: 'a', limit: 1 });
    assert.equal(run?.scheduledAt, T0 + 20_000);
  });

  describe('when the store refuses the end of a run', () => {
    it('keeps the end and writes it once the store takes it, without running the slot again meanwhile', async () => {
      await addJob('a', {});
      await boot();
      const finishRun = store.finishRun.bind(store);
      let refusals = 3;
      let writes = 0;
      store.finishRun = async (...args) => {
        if (refusals-- > 0) throw new Error('database is locked');
        writes += 1;
        return finishRun(...args);
      };
      clock.now = T0 + 10_000;
      scheduler.tick(clock.now);
      await settle();
      const recorded = finish(0, 'OK');
      await settle();
      assert.equal(scheduler.isRunning('a'), true, 'still in flight until its end is written');
      clock.now = T0 + 30_000;
      scheduler.tick(clock.now);
      await settle();
      assert.equal(runner.started.length, 1, 'the slot is not run again meanwhile');
      const run = await recorded;
      assert.equal(writes, 1, 'written once');
      assert.equal((await store.getRun(run.id))!.outcome, 'success');
      assert.equal((await store.getJob('a'))!.lastRunAt, T0 + 10_000);
      assert.equal(scheduler.isRunning('a'), false);
    });

    it('writes the ends in the order the runs ended', async () => {
      await addJob('a', {});
      await addJob('b', {});
      await boot();
      const finishRun = store.finishRun.bind(store);
      const finishRuns = store.finishRuns.bind(store);
      let open = false;
      const order: number[] = [];
      store.finishRun = async (id, ...rest) => {
        if (!open) throw new Error('server gone');
        order.push(id);
        return finishRun(id, ...rest);
      };
      // Ends that waited together go as one batch, in the order the runs ended.
      store.finishRuns = async (ends) => {
        if (!open) throw new Error('server gone');
        order.push(...ends.map((end) => end.id));
        return finishRuns(ends);
      };
      scheduler.tick(T0 + 10_000);
      await settle();
      const first = finish(1, 'OK');
      const second = finish(0, 'OK');
      await settle();
      open = true;
      const [one, two] = await Promise.all([first, second]);
      assert.deepEqual(order, [one.id, two.id]);
    });
  });
});

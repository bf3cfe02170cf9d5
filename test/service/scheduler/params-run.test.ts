/**
 * A run's params at its start, driven by a fake clock and a fake Runner over a real SQLite store:
 * dates resolved in the job's zone when the run starts (across a DST change) and recorded with the
 * run, a manual run's params for that run only, an older code version on request, and params that
 * cannot be resolved failing the run without executing it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ServiceEvents } from '../../../service/events/service-events.js';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE, type Job } from '../../../service/jobs/types.js';
import type { Runner, RunOutcome, RunRequest } from '../../../service/scheduler/runner.js';
import { Scheduler } from '../../../service/scheduler/scheduler.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';

/** 00:30 in Berlin on the day after it sprang forward (2026-03-29, 02:00 → 03:00). */
const SLOT = Date.UTC(2026, 2, 29, 22, 30);

/** A runner that answers at once with success and keeps what it was asked. */
class RecordingRunner implements Runner {
  readonly requests: RunRequest[] = [];
  async execute(request: RunRequest): Promise<RunOutcome> {
    this.requests.push(request);
    return { outcome: 'success', result: 'OK', logs: [] };
  }
}

let dir: string;
let store: SqliteStore;
let clock: { now: number };
let runner: RecordingRunner;
let scheduler: Scheduler;

async function addJob(name: string, fields: Partial<Job>, code = 'return 1'): Promise<void> {
  await store.createJob(
    { ...DEFAULT_SETTINGS, interval: 86_400, ...NEW_JOB_STATE, nextRunAt: SLOT, path: `${name}.js`, owner: 'user', sourceHash: null, createdAt: SLOT - 1, updatedAt: SLOT - 1, name, ...fields },
    code,
  );
}

async function boot(): Promise<void> {
  scheduler = new Scheduler({ store, runner, events: new ServiceEvents(), log: pino({ level: 'silent' }), timeZone: 'UTC', now: () => clock.now, finishRetryDelaysMs: [5] });
  await scheduler.start();
  scheduler.stop();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-params-'));
  store = SqliteStore.open({ file: join(dir, 'q.db'), runHistory: 50 });
  clock = { now: SLOT };
  runner = new RecordingRunner();
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a run's params", () => {
  it("resolves yesterday in the job's zone at the run's start, a calendar day back across the DST change, and records it", async () => {
    await addJob('report', { timezone: 'Europe/Berlin', params: { day: '{{date-1d:YYYY-MM-DD}}', key: { $secret: 'api-key' }, limit: 5 } });
    await boot();
    const run = await scheduler.runNow('report');
    const expected = { day: '2026-03-29', key: { $secret: 'api-key' }, limit: 5 };
    assert.deepEqual(runner.requests[0]!.params, expected);
    assert.deepEqual(run.params, expected);
    assert.deepEqual((await store.getRun(run.id))!.params, expected);
  });

  it('resolves a scheduled run at its start as well, in the service zone for a job without its own', async () => {
    await addJob('daily', { params: { day: '{{date-1d}}' } });
    await boot();
    scheduler.tick(SLOT);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(runner.requests[0]!.params, { day: '2026-03-28' });
  });

  it("runs a manual run with the params given, leaving the job's own unchanged", async () => {
    await addJob('check', { params: { url: 'https://a.example', retries: 2 } });
    await boot();
    const run = await scheduler.runNow('check', undefined, 'token', undefined, { params: { url: 'https://b.example', retries: 2 } });
    assert.deepEqual(run.params, { url: 'https://b.example', retries: 2 });
    assert.deepEqual((await store.getJob('check'))!.params, { url: 'https://a.example', retries: 2 });
  });

  it('runs an older code version when asked, and records it', async () => {
    await addJob('versions', {}, 'return "v1"');
    await store.saveCode('versions', 'return "v2"');
    await boot();
    const run = await scheduler.runNow('versions', undefined, null, undefined, { codeVersion: 1 });
    assert.equal(runner.requests[0]!.code, 'return "v1"');
    assert.equal(run.codeVersion, 1);
  });

  it('fails the run without executing it when a placeholder is unknown', async () => {
    // Written past the edge (which refuses it), as a store from elsewhere might hold it.
    await addJob('broken', { params: { day: '{{yesterday}}' } });
    await boot();
    const run = await scheduler.runNow('broken');
    assert.equal(runner.requests.length, 0);
    assert.equal(run.outcome, 'error');
    assert.match(run.error!.message, /params could not be resolved: unknown placeholder \{\{yesterday\}\}/);
  });
});

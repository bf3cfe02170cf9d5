/**
 * Hostile job code against the whole service built in-process: the real scheduler, sandbox pool
 * (worker threads with the helpers in them) and SQLite store. Each job here once took the service
 * or its neighbours down; each test says what must hold instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LOG_ENTRY_OVERHEAD_BYTES, MARKER_ROOM_BYTES, MAX_ERROR_BYTES, MAX_LOG_ENTRIES } from '../../sandbox/caps.js';
import { createTestService, type TestService } from '../helpers/app.js';

/** Resolves with `check()`'s value once it is truthy, polling; fails after `ms`. */
async function until<T>(check: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const script = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;

let svc: TestService;

before(async () => {
  svc = await createTestService({ QUICKJOBS_WORKERS: '2' });
});

after(async () => {
  await svc?.close();
});

async function createJob(name: string, code: string, fields: Record<string, unknown> = {}): Promise<void> {
  const created = await svc.api('/jobs', { method: 'POST', body: { name, interval: 3600, timeout: 10, code, ...fields } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
}

async function runNow(name: string): Promise<any> {
  const response = await svc.api(`/jobs/${name}/run`, { method: 'POST', body: {} });
  assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 500));
  return response.body;
}

/** The finished runs of `name`, newest first. */
async function finishedRuns(name: string): Promise<any[]> {
  const response = await svc.api(`/runs?job=${name}&limit=50`);
  return (response.body as any[]).filter((run) => run.outcome !== 'running' && run.outcome !== 'queued');
}

describe('a hostile job', () => {
  it('logging empty lines without end leaves a log bounded in entries and bytes', async () => {
    await createJob('empty-lines', script('for (;;) console.log();'), { timeout: 2 });
    const run = await runNow('empty-lines');
    assert.equal(run.outcome, 'timeout');
    assert.ok(run.logs.length <= MAX_LOG_ENTRIES + 1, `${run.logs.length} log entries kept`);
    assert.ok(run.logs.length <= (64 * 1024) / LOG_ENTRY_OVERHEAD_BYTES + 1, `${run.logs.length} empty entries passed a 64 KiB cap`);
    assert.match(run.logs.at(-1).message, /log cut/);
    assert.ok(JSON.stringify(run).length < 256 * 1024);
  });

  it('throwing a 20 MB error is recorded with a capped message, and lastError stays small', async () => {
    await createJob('huge-error', script('throw new Error("E".repeat(20 * 1024 * 1024));'), { interval: 1, onError: 'continue' });
    const job = await until(async () => {
      const response = await svc.api('/jobs/huge-error');
      return response.body.lastError ? response.body : undefined;
    });
    assert.ok(Buffer.byteLength(job.lastError) <= MAX_ERROR_BYTES + MARKER_ROOM_BYTES, `lastError is ${job.lastError.length} characters`);
    assert.ok(job.lastError.endsWith('… [cut: 20971527 bytes in all]'), job.lastError.slice(-60));
    const [run] = await finishedRuns('huge-error');
    assert.equal(run.outcome, 'error');
    assert.ok(run.error.message.length <= MAX_ERROR_BYTES + MARKER_ROOM_BYTES);
    const list = await svc.api('/jobs');
    assert.ok(JSON.stringify(list.body).length < 64 * 1024, 'GET /jobs stays small');
    await svc.api('/jobs/huge-error', { method: 'DELETE' });
  });

  for (const [name, code] of [
    ['stack-bomb', 'eval("x=" + "[".repeat(400000) + "]".repeat(400000));'],
    ['buffer-bomb', 'const a = []; for (;;) a.push(new ArrayBuffer(1 << 20));'],
  ] as const) {
    it(`crashing its thread (${name}) ends only its own run; scheduled neighbours succeed and stay active`, async () => {
      // Neighbours waiting on the host while the crash happens, scheduled with the default onError.
      const neighbours = ['n1', 'n2', 'n3'].map((n) => `${name}-${n}`);
      for (const neighbour of neighbours) {
        await createJob(neighbour, script('for (let i = 0; i < 10; i++) await core.sleep(0.1);\nreturn job.OK;'), { interval: 1 });
      }
      await until(async () => {
        const runs = (await svc.api('/runs?limit=100')).body as any[];
        return neighbours.every((n) => runs.some((run) => run.job === n && run.outcome === 'running'));
      });
      await createJob(name, code);
      const crashed = await runNow(name);
      // An error (the crash, or the memory limit first); a loaded machine may time it out first.
      assert.ok(['error', 'timeout'].includes(crashed.outcome), crashed.outcome);
      for (const neighbour of neighbours) {
        const [run] = await until(async () => {
          const runs = await finishedRuns(neighbour);
          return runs.length > 0 ? runs : undefined;
        });
        assert.equal(run.outcome, 'success', `${neighbour}: ${JSON.stringify(run.error)}`);
        const job = (await svc.api(`/jobs/${neighbour}`)).body;
        assert.equal(job.active, true);
        await svc.api(`/jobs/${neighbour}`, { method: 'DELETE' });
      }
    });
  }

  it('spinning delays no other run: neither runs waiting on the host nor new ones', async () => {
    // The guest times itself: the run's own duration also counts waiting for a thread to load.
    const sleep = script('const t = Date.now();\nfor (let i = 0; i < 10; i++) await core.sleep(0.1);\ncore.log(Date.now() - t);\nreturn job.OK;');
    for (const name of ['sleeper1', 'sleeper2', 'sleeper3']) await createJob(name, sleep);
    for (const name of ['spinner1', 'spinner2']) await createJob(name, script('while (true) {}'), { timeout: 5 });
    await createJob('trivial', script('return job.OK;'));
    const sleepers = ['sleeper1', 'sleeper2', 'sleeper3'].map(runNow);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const spinners = ['spinner1', 'spinner2'].map(runNow);
    // Once two threads spin, the pool loads a spare (about 0.2 s built, 1 s under tsx): a new
    // run started then begins at once.
    await until(async () => svc.service.pool.stats().busy >= 2 && svc.service.pool.stats().free >= 1);
    const started = performance.now();
    const trivial = await runNow('trivial');
    const waited = performance.now() - started;
    assert.equal(trivial.outcome, 'success');
    // Generous against a loaded machine; before, a run next to a spinner waited out its 5 s timeout.
    assert.ok(waited < 1000, `a trivial run took ${waited.toFixed(0)} ms next to two spinners`);
    for (const run of await Promise.all(sleepers)) {
      assert.equal(run.outcome, 'success');
      const took = Number(run.logs[0].message);
      // Generous against a loaded machine; before, they waited for the spinner's 5 s timeout.
      assert.ok(took < 2000, `ten 100 ms sleeps took ${took} ms next to spinners`);
    }
    for (const run of await Promise.all(spinners)) assert.equal(run.outcome, 'timeout');
  });
});

/**
 * The real service, started as `quickjobs start` on a loopback port: schedules keep time, reload
 * keeps remaining time, Run Once and restarts behave, a crash loses nothing, a spinning job does not
 * stall the API, and SIGTERM waits for runs up to its deadline.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { startService, waitFor, type ServiceHandle } from '../helpers/service.js';

// Each test's services end with it: left running, the spinning jobs of one test would take both
// cores from the tests after it (and make their timings those of a loaded machine).
const started: ServiceHandle[] = [];
afterEach(async () => {
  for (const svc of started.splice(0)) {
    await svc.kill();
    await svc.cleanup();
  }
});

async function start(options: Parameters<typeof startService>[0] = {}): Promise<ServiceHandle> {
  const svc = await startService(options);
  started.push(svc);
  return svc;
}

function jobCode(body: string): string {
  return `const job = core.job();\njob.run = async () => {\n${body}\n};\nreturn job;\n`;
}

async function runs(svc: ServiceHandle, job: string): Promise<Array<Record<string, any>>> {
  return (await svc.api(`/runs?job=${job}&limit=100`)).body;
}

describe('a 1-second job', () => {
  it('runs on time several times in a row, each slot one second after the last', async () => {
    const svc = await start();
    const created = await svc.api('/jobs', { method: 'POST', body: { name: 'tick', interval: 1, code: jobCode('return job.OK;') } });
    assert.equal(created.status, 201);
    const done = await waitFor(async () => {
      const list = (await runs(svc, 'tick')).filter((r) => r.outcome === 'success');
      return list.length >= 4 ? list.reverse() : null;
    }, 10_000, 'four runs');
    const slots = done.map((r) => Date.parse(r.scheduledAt));
    for (let i = 1; i < slots.length; i++) assert.equal(slots[i]! - slots[i - 1]!, 1000, 'no drift between slots');
    assert.equal(slots[0]! - Date.parse(created.body.createdAt), 1000, 'first run one interval after creation');
    for (const run of done) {
      const lateness = Date.parse(run.startedAt) - Date.parse(run.scheduledAt);
      assert.ok(lateness >= 0 && lateness < 500, `started ${lateness} ms after its slot`);
      assert.equal(run.trigger, 'schedule');
    }
    const job = (await svc.api('/jobs/tick')).body;
    assert.equal(job.lastResult, 'OK');
    assert.equal(job.status, 'ok');
  });
});

describe('reload', () => {
  it('keeps a 4-second job\'s remaining time and wakes a stopped job with a fresh interval', async () => {
    const svc = await start();
    await svc.api('/jobs', { method: 'POST', body: { name: 'four', interval: 4, code: jobCode('return job.OK;') } });
    await svc.api('/jobs', { method: 'POST', body: { name: 'stopper', interval: 1, code: jobCode('return job.STOP;') } });
    const before = (await svc.api('/jobs/four')).body.nextRunAt;
    // The stopper's first run comes a second after its creation: by then a reset of 'four' would show.
    await waitFor(async () => (await svc.api('/jobs/stopper')).body.status === 'stop', 5000, 'stopper to stop');
    const reload = await svc.api('/reload', { method: 'POST' });
    assert.equal(reload.body.status, 'running');
    const afterReload = (await svc.api('/jobs/four')).body;
    assert.equal(afterReload.nextRunAt, before, 'remaining time kept');
    const stopper = (await svc.api('/jobs/stopper')).body;
    assert.equal(stopper.status, 'ok');
    const wait = Date.parse(stopper.nextRunAt) - Date.parse(reload.body.reloadedAt);
    // A fresh interval counted from the reload: 1 s, less the time the reload itself took.
    assert.ok(wait > 500 && wait <= 1000, `stopped job counts a fresh interval (${wait} ms)`);
  });
});

describe('a Run Once job', () => {
  it('runs once, not again on reload, and again after a restart', async () => {
    const svc = await start();
    await writeFile(join(svc.jobsDir, 'boot-once.js'), `// quickjobs: {"interval": 1, "runOnce": true}\n${jobCode('core.log("booted", job.trigger); return job.OK;')}`);
    await svc.api('/reload', { method: 'POST' });
    await waitFor(async () => (await svc.api('/jobs/boot-once')).body.status === 'once-done', 5000, 'once-done');
    const first = await runs(svc, 'boot-once');
    assert.equal(first.length, 1);
    assert.equal(first[0]!.trigger, 'boot');
    await svc.api('/jobs', { method: 'POST', body: { name: 'second-hand', interval: 1, code: jobCode('return job.OK;') } });
    const { reloadedAt } = (await svc.api('/reload', { method: 'POST' })).body;
    // A 1-second job that ran after the reload: the Run Once job's slot, had it one, has passed too.
    await waitFor(async () => (await runs(svc, 'second-hand')).some((run) => run.outcome !== 'running' && run.startedAt > reloadedAt), 5000, 'a slot after the reload');
    assert.equal((await runs(svc, 'boot-once')).length, 1, 'not again after reload');
    assert.equal((await svc.api('/jobs/boot-once')).body.status, 'once-done');

    assert.equal(await svc.stop(), 0);
    const again = await start({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    const pending = (await again.api('/jobs/boot-once')).body;
    assert.equal(pending.status, 'once-pending');
    await waitFor(async () => (await runs(again, 'boot-once')).length === 2, 5000, 'a second run after restart');
  });
});

describe('a crash (kill -9) during a run', () => {
  it('records the run interrupted and keeps every job, code version and finished run', async () => {
    const svc = await start();
    await svc.api('/jobs', { method: 'POST', body: { name: 'quick', interval: 3600, code: jobCode('return job.OK;') } });
    await svc.api('/jobs/quick/code', { method: 'PUT', body: { code: jobCode('core.log("v2"); return job.OK;') } });
    const finished = (await svc.api('/jobs/quick/run', { method: 'POST' })).body;
    await svc.api('/jobs', { method: 'POST', body: { name: 'long', interval: 1, code: jobCode('await core.sleep(20); return job.OK;') } });
    await waitFor(async () => (await runs(svc, 'long'))[0]?.outcome === 'running', 5000, 'the long run to start');
    await svc.kill();

    const again = await start({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    const interrupted = (await runs(again, 'long')).at(-1)!;
    assert.equal(interrupted.outcome, 'interrupted');
    assert.ok(interrupted.finishedAt);
    const long = (await again.api('/jobs/long')).body;
    assert.equal(long.active, true, 'the job stays active');
    assert.equal((await again.api('/jobs/quick/code')).body.version, 2);
    assert.equal((await again.api(`/runs/${finished.id}`)).body.outcome, 'success');
    assert.deepEqual((await again.api(`/runs/${finished.id}`)).body.logs.map((l: { message: string }) => l.message), ['v2']);
  });
});

describe('a job spinning in a CPU loop', () => {
  it('does not stop /healthz or the API from answering', async () => {
    const svc = await start({ env: { QUICKJOBS_WORKERS: '2' } });
    for (const name of ['spin1', 'spin2']) {
      await svc.api('/jobs', { method: 'POST', body: { name, interval: 1, timeout: 20, code: jobCode('while (true) {}') } });
    }
    await waitFor(async () => (await svc.api('/status')).body.jobs.running === 2, 5000, 'both spinners running');
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const health = await fetch(`${svc.baseUrl}/healthz`);
      assert.equal(health.status, 200);
      const status = await svc.api('/status');
      assert.equal(status.status, 200);
      const elapsed = performance.now() - t0;
      assert.ok(elapsed < 500, `answered in ${elapsed.toFixed(0)} ms`);
    }
  });
});

describe('SIGTERM', () => {
  it('waits for a 3-second run to finish, then exits 0', async () => {
    const svc = await start();
    await svc.api('/jobs', { method: 'POST', body: { name: 'three', interval: 1, code: jobCode('await core.sleep(3); return job.OK;') } });
    const running = await waitFor(async () => (await runs(svc, 'three'))[0]?.outcome === 'running' && (await runs(svc, 'three'))[0], 5000, 'the run to start');
    assert.equal(await svc.stop(), 0);
    const again = await start({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    const run = (await again.api(`/runs/${running.id}`)).body;
    assert.equal(run.outcome, 'success');
    assert.ok(run.durationMs >= 2900);
  });

  it('records a 60-second run interrupted after a 1-second deadline and exits 0', async () => {
    const svc = await start({ env: { QUICKJOBS_SHUTDOWN_TIMEOUT: '1' } });
    await svc.api('/jobs', { method: 'POST', body: { name: 'sixty', interval: 1, timeout: 120, code: jobCode('await core.sleep(60); return job.OK;') } });
    const running = await waitFor(async () => (await runs(svc, 'sixty'))[0]?.outcome === 'running' && (await runs(svc, 'sixty'))[0], 5000, 'the run to start');
    const t0 = Date.now();
    assert.equal(await svc.stop(), 0);
    assert.ok(Date.now() - t0 < 10_000, 'exits soon after the deadline');
    const again = await start({ dataDir: svc.dataDir, jobsDir: svc.jobsDir });
    const run = (await again.api(`/runs/${running.id}`)).body;
    assert.equal(run.outcome, 'interrupted');
    assert.equal((await again.api('/jobs/sixty')).body.active, true);
  });
});

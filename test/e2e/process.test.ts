/**
 * The real service as a process, started as `quickjobs start` on a loopback port: a crash loses
 * nothing, a spinning job does not stall the API, and SIGTERM waits for runs up to its deadline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/service.js';
import { jobCode, runs, start } from './services.js';

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

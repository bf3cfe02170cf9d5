/**
 * A run the service took up and was still waiting for a sandbox thread when the process died
 * (kill -9) comes back `interrupted`, with its queueing recorded and no start: its code never began.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { startService, waitFor } from '../helpers/service.js';

const ENV = { QUICKJOBS_WORKERS: '1', QUICKJOBS_MAX_WORKERS: '1' };
const job = (body: string) => `const job = core.job(); job.run = async () => { ${body} }; return job;`;

describe('a crash while a run is queued', () => {
  it('leaves the run interrupted with startedAt null', async () => {
    const svc = await startService({ env: ENV });
    let restarted: Awaited<ReturnType<typeof startService>> | undefined;
    try {
      assert.equal((await svc.api('/jobs', { method: 'POST', body: { name: 'holder', interval: 3600, code: job('await core.sleep(60); return job.OK;') } })).status, 201);
      assert.equal((await svc.api('/jobs', { method: 'POST', body: { name: 'waiter', interval: 3600, code: job('return job.OK;') } })).status, 201);
      // Manual runs answer when they end; these never do (the process dies first).
      void svc.api('/jobs/holder/run', { method: 'POST', body: {} }).catch(() => undefined);
      await waitFor(async () => (await svc.api('/status')).body.jobs.running === 1, 20_000, 'the holder on the only thread');
      void svc.api('/jobs/waiter/run', { method: 'POST', body: {} }).catch(() => undefined);
      const [queued] = await waitFor(async () => {
        const runs = (await svc.api('/runs?outcome=queued')).body as Array<{ id: number; job: string; queuedAt: string }>;
        return runs.length === 1 && runs;
      }, 10_000, 'the waiter to queue');
      assert.equal(queued!.job, 'waiter');

      await svc.kill();
      restarted = await startService({ env: ENV, dataDir: svc.dataDir, jobsDir: svc.jobsDir });
      const run = (await restarted.api(`/runs/${queued!.id}`)).body;
      assert.equal(run.outcome, 'interrupted');
      assert.equal(run.startedAt, null);
      assert.equal(run.queuedAt, queued!.queuedAt);
      assert.equal(run.waitMs, null);
      assert.equal(run.durationMs, null);
      assert.deepEqual(run.logs, []);
    } finally {
      if (restarted) await restarted.stop();
      await svc.kill();
      await svc.cleanup();
    }
  });
});

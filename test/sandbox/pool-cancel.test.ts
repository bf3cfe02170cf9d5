/** Cancelling one run in the pool: a spinner is interrupted on its thread, a queued run never starts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SandboxPool } from '../../sandbox/pool.js';
import { job, request } from './request.js';
import { until } from './until.js';


describe('cancelling a run in the pool', () => {
  it('interrupts a spinning guest on its thread, so the one thread takes the next run at once', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 1 });
    try {
      const controller = new AbortController();
      const spinning = pool.run(request(job('core.log("in"); for (;;) {}'), { timeoutMs: 60_000 }), { signal: controller.signal });
      await until(() => pool.stats().busy === 1);
      controller.abort('cancelled by webmin');
      const outcome = await spinning;
      assert.equal(outcome.outcome, 'cancelled');
      assert.equal(outcome.outcome === 'cancelled' && outcome.error.message, 'cancelled by webmin');
      // Without the interrupt the thread would spin for 60 s and this run would wait behind it.
      const next = await Promise.race([pool.run(request(job('return job.OK;'))), new Promise((resolve) => setTimeout(resolve, 2000, 'still spinning'))]);
      assert.equal((next as { outcome: string }).outcome, 'success');
    } finally {
      await pool.dispose();
    }
  });

  it('drops a queued run without starting it, and answers an already aborted signal at once', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 1 });
    try {
      const blocker = new AbortController();
      const spinning = pool.run(request('for (;;) {}', { timeoutMs: 60_000 }), { signal: blocker.signal });
      await until(() => pool.stats().busy === 1);
      const queued = new AbortController();
      const waiting = pool.run(request(job('core.log("ran"); return job.OK;')), { signal: queued.signal });
      assert.equal(pool.stats().queued, 1);
      queued.abort();
      const dropped = await waiting;
      assert.deepEqual([dropped.outcome, dropped.logs], ['cancelled', []]);
      assert.equal(pool.stats().queued, 0);
      blocker.abort();
      assert.equal((await spinning).outcome, 'cancelled');
      const early = new AbortController();
      early.abort('too late');
      assert.equal((await pool.run(request(job('return job.OK;')), { signal: early.signal })).outcome, 'cancelled');
    } finally {
      await pool.dispose();
    }
  });
});

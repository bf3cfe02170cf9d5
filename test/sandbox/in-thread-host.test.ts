import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SandboxStartError } from '../../sandbox/errors.js';
import { hostPool } from './host-pool.js';
import { job, request } from './request.js';
import { until } from './until.js';


const countingPool = (workers: number, failStart = false) => hostPool({ workers, maxWorkers: workers }, { failStart });

describe('the sandbox pool with an in-thread host', () => {
  it('answers host calls in the worker thread', async () => {
    const { pool, close } = await countingPool(1);
    try {
      const code = job(`
        for (let i = 1; i <= 3; i++) {
          const [answer, err] = await core.data('box').get('id-' + i);
          if (err) throw new Error(err);
          core.log(JSON.stringify(answer));
        }
        return job.OK;`);
      const outcome = await pool.run(request(code, { jobName: 'counter' }));
      assert.equal(outcome.outcome, 'success', JSON.stringify(outcome));
      const answers = outcome.logs.map((entry) => JSON.parse(entry.message) as Record<string, unknown>);
      assert.deepEqual(
        answers.map(({ calls, name, args, jobName }) => ({ calls, name, args, jobName })),
        [1, 2, 3].map((n) => ({ calls: n, name: 'data.get', args: ['box', `id-${n}`], jobName: 'counter' })),
      );
      for (const answer of answers) assert.notEqual(answer.threadId, 0, 'answered on the main thread');
      // The same thread's host keeps counting across runs.
      const again = await pool.run(request(job(`core.log(JSON.stringify((await core.data('box').get('x'))[0].calls)); return job.OK;`)));
      assert.deepEqual(again.logs.map((entry) => entry.message), ['4']);
    } finally {
      await close();
    }
  });

  it('aborts the signal of a host call when its run times out', async () => {
    const { pool, reports, close } = await countingPool(1);
    try {
      const code = job(`await core.network.get('https://example.com/'); return job.OK;`);
      const outcome = await pool.run(request(code, { jobName: 'slow', timeoutMs: 300 }));
      assert.equal(outcome.outcome, 'timeout');
      await until(() => reports.some((report) => report.type === 'aborted'));
      assert.deepEqual(reports, [{ type: 'aborted', jobName: 'slow' }]);
      // The thread is free again for the next run.
      const next = await pool.run(request(job('return job.OK;')));
      assert.equal(next.outcome, 'success');
    } finally {
      await close();
    }
  });

  it('counts a thread busy while a run it resumed itself spins', async () => {
    const { pool, close } = await countingPool(1);
    try {
      const code = job(`await core.data('box').get('a'); while (true) {}`);
      const spinning = pool.run(request(code, { timeoutMs: 1500 }));
      await until(() => pool.stats().busy === 1);
      assert.equal((await spinning).outcome, 'timeout');
      await until(() => pool.stats().busy === 0);
    } finally {
      await close();
    }
  });

  it('closes the host of every thread when disposed', async () => {
    const { pool, reports, close } = await countingPool(2);
    try {
      await pool.run(request(job(`await core.data('box').get('a'); return job.OK;`)));
      await pool.dispose();
      await until(() => reports.filter((report) => report.type === 'closed').length === 2);
      const closed = reports.filter((report) => report.type === 'closed');
      assert.equal(new Set(closed.map((report) => report.threadId)).size, 2);
      assert.deepEqual(closed.map((report) => report.calls).sort(), [0, 1]);
    } finally {
      await close();
    }
  });

  it('fails to start when the host module cannot build its host', async () => {
    await assert.rejects(countingPool(1, true), (error: unknown) => {
      assert.ok(error instanceof SandboxStartError);
      assert.match(String((error.cause as Error).message), /FixtureStartError: the fixture host was told to fail/);
      return true;
    });
  });
});

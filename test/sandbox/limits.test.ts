import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SandboxPool } from '../../sandbox/pool.js';
import type { RunOutcome } from '../../sandbox/types.js';
import { hostPool } from './host-pool.js';
import { job, request } from './request.js';
import { until } from './until.js';


let pool: SandboxPool;
before(async () => {
  pool = await SandboxPool.create({ workers: 2 });
});
after(() => pool.dispose());

function messageOf(outcome: RunOutcome): string {
  assert.notEqual(outcome.outcome, 'success', JSON.stringify(outcome));
  return outcome.outcome === 'success' ? '' : outcome.error.message;
}

describe('the wall-clock limit', () => {
  it('stops a CPU loop the guest cannot catch', async () => {
    const started = performance.now();
    const outcome = await pool.run(request('try { while (true) {} } finally { while (true) {} }', { timeoutMs: 300 }));
    assert.equal(outcome.outcome, 'timeout');
    assert.equal(messageOf(outcome), 'timed out after 300 ms');
    assert.ok(performance.now() - started < 3000);
  });

  it('stops a run waiting on a host call that never answers, and aborts the call', async () => {
    // The fixture host's network.get answers only when its run's signal aborts, and says so.
    const world = await hostPool({ workers: 1 });
    try {
      // Long enough for the call to be made on a loaded machine before the deadline ends the run.
      const outcome = await world.pool.run(request(job('await core.network.get("https://example.com/");\nreturn job.OK;'), { jobName: 'waiter', timeoutMs: 1500 }));
      assert.equal(outcome.outcome, 'timeout');
      await until(() => world.reports.length > 0);
      assert.deepEqual(world.reports, [{ type: 'aborted', jobName: 'waiter' }]);
    } finally {
      await world.close();
    }
  });

  it('counts core.sleep against the limit', async () => {
    const outcome = await pool.run(request(job('await core.sleep(60);\nreturn job.OK;'), { timeoutMs: 300 }));
    assert.equal(outcome.outcome, 'timeout');
  });

  it('keeps the logs written before the timeout', async () => {
    const outcome = await pool.run(request('core.log("before");\nwhile (true) {}', { timeoutMs: 200 }));
    assert.deepEqual(outcome.logs.map((entry) => entry.message), ['before']);
  });
});

describe('the memory limit', () => {
  it('ends a run that fills the heap', async () => {
    const outcome = await pool.run(request('const a = [];\nwhile (true) a.push({ n: a.length, s: "x" + a.length });', { memoryBytes: 8 << 20 }));
    assert.equal(outcome.outcome, 'error');
    assert.equal(messageOf(outcome), 'memory limit of 8 MiB exceeded');
  });

  it('ends a run that catches the out-of-memory error and carries on', async () => {
    const outcome = await pool.run(
      request(
        job('const a = [];\ntry { while (true) a.push("x".repeat(64) + a.length); } catch (e) { core.log("caught", String(e)); }\nreturn job.OK;'),
        { memoryBytes: 8 << 20 },
      ),
    );
    assert.equal(messageOf(outcome), 'memory limit of 8 MiB exceeded');
  });

  it('ends a run that allocates one block larger than the limit', async () => {
    const outcome = await pool.run(request('const s = "x".repeat(64 * 1024 * 1024);\nreturn { run: () => "OK" };', { memoryBytes: 8 << 20 }));
    assert.equal(messageOf(outcome), 'memory limit of 8 MiB exceeded');
  });

  it('leaves the worker able to run the next job', async () => {
    const outcome = await pool.run(request(job('return job.OK;')));
    assert.equal(outcome.outcome, 'success');
  });
});

describe('the stack limit', () => {
  it('turns runaway recursion into an error, not a crash', async () => {
    const outcome = await pool.run(request('function down(n) { return down(n + 1) + 1; }\ndown(0);'));
    assert.equal(outcome.outcome, 'error');
    assert.match(messageOf(outcome), /^InternalError: stack overflow/);
    assert.equal(outcome.outcome === 'error' && outcome.error.line, 1);
  });

  it('allows ordinary recursion a thousand frames deep', async () => {
    const { startedAt: _, ...outcome } = await pool.run(request(job('function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }\nreturn depth(1000) === 1000 ? job.OK : job.EXIT;')));
    assert.deepEqual(outcome, { outcome: 'success', result: 'OK', logs: [] });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SandboxDisposedError } from '../../sandbox/errors.js';
import { SandboxPool } from '../../sandbox/pool.js';
import { hostPool } from './host-pool.js';
import { job, request } from './request.js';
import { until } from './until.js';

const trivial = request(job('return job.OK;'));
const spinner = (timeoutMs: number) => request('while (true) {}', { timeoutMs });

describe('the sandbox pool', () => {
  it('runs a trivial job at once while another job spins', async () => {
    const pool = await SandboxPool.create({ workers: 2 });
    try {
      await pool.run(trivial); // warm both paths
      const spinning = pool.run(spinner(3000));
      await until(() => pool.stats().busy === 1);
      const started = performance.now();
      const outcome = await pool.run(trivial);
      const elapsed = performance.now() - started;
      assert.equal(outcome.outcome, 'success');
      // Generous: the spinner holds its thread for 3 s; the trivial run must not wait for it.
      assert.ok(elapsed < 1000, `trivial run took ${elapsed} ms`);
      // The main thread stays responsive too: a timer fires on time while the guest spins.
      const timerStart = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(performance.now() - timerStart < 500);
      assert.equal((await spinning).outcome, 'timeout');
    } finally {
      await pool.dispose();
    }
  });

  it('grows past its base size when every thread spins, and queues at its maximum', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 2 });
    try {
      const spinners = [pool.run(spinner(4000)), pool.run(spinner(4000))];
      await until(() => pool.stats().workers === 2 && pool.stats().busy === 2, 10_000);
      const waiting = pool.run(trivial);
      assert.deepEqual(pool.stats(), { workers: 2, busy: 2, free: 0, maxWorkers: 2, queued: 1, running: 2 });
      assert.equal((await waiting).outcome, 'success');
      for (const outcome of await Promise.all(spinners)) assert.equal(outcome.outcome, 'timeout');
    } finally {
      await pool.dispose();
    }
  });

  it('starts a run at once that arrives just as a spinner takes the last free thread', async () => {
    const pool = await SandboxPool.create({ workers: 2, maxWorkers: 6 });
    const spinners: Array<Promise<unknown>> = [];
    try {
      assert.equal((await pool.run(trivial)).outcome, 'success');
      spinners.push(pool.run(spinner(20_000)));
      await until(() => pool.stats().busy === 1);
      // The first spinner has held its thread past LONG_RUN_MS, and whatever spares the pool
      // keeps behind it have loaded (no thread still loading).
      await new Promise((resolve) => setTimeout(resolve, 400));
      await until(() => pool.stats().free >= 1 && pool.stats().workers === pool.stats().running + pool.stats().free, 20_000);
      // A second spinner takes a free thread, and a trivial run arrives right behind it.
      spinners.push(pool.run(spinner(20_000)));
      await until(() => pool.stats().busy === 2);
      const submitted = Date.now();
      const outcome = await pool.run(trivial);
      assert.equal(outcome.outcome, 'success');
      // Measured at the run's true start: when its worker handed the code to QuickJS.
      const waited = (outcome.startedAt ?? Infinity) - submitted;
      assert.ok(waited <= 100, `the run began ${waited} ms after it was submitted (${JSON.stringify(pool.stats())})`);
      assert.ok(pool.stats().workers <= 6);
    } finally {
      await pool.dispose();
      await Promise.all(spinners);
    }
  });

  it('does not grow for a burst of short runs: more threads than cores would clear it no sooner', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 6 });
    try {
      let most = 0;
      const runs = Array.from({ length: 600 }, () =>
        pool.run(trivial).then((outcome) => {
          most = Math.max(most, pool.stats().workers);
          return outcome;
        }),
      );
      for (const outcome of await Promise.all(runs)) assert.equal(outcome.outcome, 'success');
      // One thread clears the burst in well over GROW_AFTER_MS, so a pool growing for waiting runs
      // would reach its maximum; a run slowed past LONG_RUN_MS by a loaded machine may add one or two.
      assert.ok(most < 4, `grew to ${most} threads`);
    } finally {
      await pool.dispose();
    }
  });

  it('lets threads grown for spinners retire under a steady stream of short runs', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 4, retireAfterMs: 600 });
    try {
      const spinners = [pool.run(spinner(1500)), pool.run(spinner(1500))];
      await until(() => pool.stats().workers >= 3, 10_000);
      for (const outcome of await Promise.all(spinners)) assert.equal(outcome.outcome, 'timeout');
      // One run after another for 4 s: served by the base thread first, the grown ones go idle
      // and end; handed out in turn, every thread would stay busy and none would.
      const until4s = Date.now() + 4000;
      while (Date.now() < until4s) assert.equal((await pool.run(trivial)).outcome, 'success');
      assert.equal(pool.stats().workers, 1, JSON.stringify(pool.stats()));
    } finally {
      await pool.dispose();
    }
  });

  it('gives every run a thread of its own, host waits included, and keeps spares ready behind them', async () => {
    const { pool, reports, send, close } = await hostPool({ workers: 1, maxWorkers: 6 });
    try {
      // The fixture host holds each `parked` call until the test releases them.
      const parked = Array.from({ length: 4 }, () => pool.run(request(job('await core.mysql.query("db", "x");\nreturn job.OK;'), { jobName: 'parked', timeoutMs: 60_000 })));
      await until(() => reports.filter((report) => report.type === 'parked').length === 4, 20_000);
      assert.equal(new Set(reports.map((report) => report.type === 'parked' && report.threadId)).size, 4, 'four threads hold the four runs');
      // Four threads held, and spares behind them, up to the pool's cap of six.
      await until(() => pool.stats().busy === 0 && pool.stats().free >= 1 && pool.stats().running === 4, 20_000, () => pool.stats());
      const stats = pool.stats();
      assert.ok(stats.workers >= 5 && stats.workers <= 6, JSON.stringify(stats));
      assert.equal(stats.queued, 0);
      assert.equal((await pool.run(trivial)).outcome, 'success');
      send({ type: 'release' });
      for (const outcome of await Promise.all(parked)) assert.equal(outcome.outcome, 'success');
      assert.equal(pool.stats().running, 0);
    } finally {
      await close();
    }
  });

  it('ends the runs of threads that die of something else as interrupted, replaces them and stays usable', async () => {
    const { pool, reports, send, close } = await hostPool({ workers: 1 });
    try {
      const sleeping = pool.run(request(job('await core.sleep(30);\nreturn job.OK;'), { timeoutMs: 60_000 }));
      const calling = pool.run(request(job('await core.mysql.query("db", "x");\nreturn job.OK;'), { jobName: 'parked', timeoutMs: 60_000 }));
      await until(() => reports.some((report) => report.type === 'parked'), 20_000);
      await until(() => pool.stats().busy === 0 && pool.stats().running === 2, 20_000, () => pool.stats());
      // The host of every thread fails where nothing catches it (a helper's bug): the threads end.
      send({ type: 'crash' });
      for (const outcome of await Promise.all([sleeping, calling])) {
        assert.equal(outcome.outcome, 'interrupted');
        assert.match(outcome.outcome === 'interrupted' ? outcome.error.message : '', /FixtureCrash.*through no fault of its own/);
      }
      assert.equal((await pool.run(trivial)).outcome, 'success');
      assert.ok(pool.stats().workers >= 1);
    } finally {
      await close();
    }
  });

  it('ends in-flight and queued runs as errors on dispose, and refuses runs after it', async () => {
    const pool = await SandboxPool.create({ workers: 1, maxWorkers: 1 });
    const spinning = pool.run(spinner(10_000));
    await until(() => pool.stats().busy === 1);
    const queued = pool.run(trivial);
    await pool.dispose();
    for (const outcome of await Promise.all([spinning, queued])) {
      assert.equal(outcome.outcome, 'error');
      assert.match(outcome.outcome === 'error' ? outcome.error.message : '', /shut down/);
    }
    await assert.rejects(pool.run(trivial), SandboxDisposedError);
  });

  it('keeps memory flat over thousands of runs: the live V8 heap and the WASM memory of each thread', async () => {
    // Capped at its base size: a loaded machine may slow a run enough to grow the pool, and a
    // new thread's memory is not a leak.
    const pool = await SandboxPool.create({ workers: 2, maxWorkers: 2 });
    try {
      const work = request(job('const rows = [];\nfor (let i = 0; i < 200; i++) rows.push({ i, s: "row " + i });\ncore.log(rows.length);\nreturn job.OK;'));
      const batch = async (count: number) => {
        for (let i = 0; i < count; i += 4) {
          const outcomes = await Promise.all([pool.run(work), pool.run(work), pool.run(work), pool.run(work)]);
          for (const outcome of outcomes) assert.equal(outcome.outcome, 'success');
        }
      };
      const live = async () => {
        const threads = await pool.memory(true);
        assert.equal(threads.length, 2);
        return threads;
      };
      // The first runs compile and cache what every later run reuses.
      await batch(500);
      const before = await live();
      await batch(3000);
      const after = await live();
      for (let i = 0; i < 2; i++) {
        // What a thread keeps alive after a full collection wanders by tens of KB; a leak of 1 KB
        // a run (1,500 runs a thread) would add 1.5 MB.
        const grownKb = (after[i]!.heapUsed - before[i]!.heapUsed) / 1024;
        assert.ok(grownKb < 512, `thread ${i} keeps ${grownKb.toFixed(0)} KB more after 3000 runs`);
        // WASM memory never shrinks: any growth past its pre-grown size is a guest heap not freed.
        assert.equal(after[i]!.wasm, before[i]!.wasm);
      }
      assert.equal(pool.stats().running, 0);
    } finally {
      await pool.dispose();
    }
  });
});

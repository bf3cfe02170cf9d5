/**
 * Random job programs from a grammar of hostile constructs (loops, spinning, allocation,
 * recursion, logging, helper calls, big throws), run through the whole service built in-process.
 * Seeded and bounded in time; on a failure fast-check prints the seed and the shrunk programs.
 *
 * After every batch: each run answered and recorded with an outcome, its record bounded in size,
 * the API answering. At the end: no run left `running`, threads within the pool's cap, the
 * process's memory bounded.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createTestService, type TestService } from '../helpers/app.js';
import { INITIAL_WASM_BYTES } from '../../sandbox/module.js';

const SEED = Number(process.env.QUICKJOBS_FUZZ_SEED ?? 20240917);
const BATCHES = Number(process.env.QUICKJOBS_FUZZ_BATCHES ?? 10);
const PER_BATCH = 4;
/** No batch starts after this long, so the suite stays bounded on a slow machine. */
const TIME_LIMIT_MS = 20_000;
const QUOTA_MB = 4;
/** The per-run memory limit the service runs with (its default): below the pre-grown WASM memory. */
const MEMORY_MB = 64;

const small = fc.integer({ min: 0, max: 50 });
const big = fc.constantFrom(1_000, 100_000, 1_000_000, 10_000_000, 30_000_000);

/** One statement of a job's `run` body. */
const statement: fc.Arbitrary<string> = fc.oneof(
  small.map((n) => `for (let i = 0; i < ${n}; i++) core.log("line", i);`),
  fc.constant('for (;;) console.log();'),
  big.map((n) => `core.log("x".repeat(${n}));`),
  fc.constant('while (true) {}'),
  fc.constant('for (let i = 0; ; i++) { if (i < 0) break; }'),
  big.map((n) => `globalThis.keep = (globalThis.keep || []); globalThis.keep.push("y".repeat(${n}));`),
  fc.constant('const a = []; for (;;) a.push(new ArrayBuffer(1 << 20));'),
  fc.constant('const o = []; for (;;) o.push({ a: [1, 2, 3], s: "s" + o.length });'),
  fc.integer({ min: 10, max: 1_000_000 }).map((n) => `(function r(k) { return k <= 0 ? 0 : 1 + r(k - 1); })(${n});`),
  fc.constantFrom(1_000, 400_000).map((n) => `eval("x=" + "[".repeat(${n}) + "]".repeat(${n}));`),
  big.map((n) => `throw new Error("E".repeat(${n}));`),
  big.map((n) => `throw { big: "z".repeat(${n}) };`),
  fc.constant('throw 42;'),
  fc.constantFrom(0, 0.01, 0.05).map((s) => `await core.sleep(${s});`),
  big.map((n) => `await core.data("fuzz").save({ v: "d".repeat(${n}) });`),
  small.map((n) => `for (let i = 0; i < ${n}; i++) await core.data("fuzz").save({ _id: "k" + i, v: "d".repeat(20000) });`),
  fc.constant('await core.data("fuzz").getPage(1, 1000);'),
  fc.constant('await core.network.get("http://127.0.0.1:1/");'),
  fc.constant('await core.mysql.query("nodb", "SELECT 1");'),
  fc.constant('Promise.reject(new Error("unhandled"));'),
  fc.constant('await new Promise(() => {});'),
);

const ending = fc.constantFrom('return job.OK;', 'return job.STOP;', 'return 42;', '');

const program = fc
  .tuple(fc.array(statement, { minLength: 1, maxLength: 4 }), ending, fc.boolean())
  .map(([body, end, tryCatch]) => {
    const inner = [...body.map((s) => `{ ${s} }`), end].join("\n");
    const run = tryCatch ? `try {\n${inner}\n} catch (e) { core.log(String(e).slice(0, 100)); }` : inner;
    return `const job = core.job();\njob.run = async function () {\n${run}\n};\nreturn job;`;
  });

let svc: TestService;
let made = 0;

before(async () => {
  svc = await createTestService({ QUICKJOBS_WORKERS: '2', QUICKJOBS_DATA_QUOTA_MB: String(QUOTA_MB), QUICKJOBS_MEMORY_MB: String(MEMORY_MB), QUICKJOBS_LOG_LEVEL: process.env.QUICKJOBS_FUZZ_LOG ?? 'silent' });
});

after(async () => {
  await svc?.close();
});

async function runProgram(code: string): Promise<void> {
  const name = `fuzz-${++made}`;
  // Saving may refuse code that does not parse (422); the grammar only makes code that does.
  const created = await svc.api('/jobs', { method: 'POST', body: { name, interval: 3600, timeout: 1, code } });
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  const response = await svc.api(`/jobs/${name}/run`, { method: 'POST', body: {} });
  assert.equal(response.status, 200, `the run of\n${code}\nanswered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  const run = response.body;
  assert.ok(['success', 'error', 'timeout'].includes(run.outcome), `outcome ${run.outcome} for\n${code}`);
  // A 1 s timeout ends every run, host waits included; the rest is waiting for a thread (a new one loads in ~1 s under tsx).
  assert.ok(run.durationMs < 15_000, `the run took ${run.durationMs} ms:\n${code}`);
  const size = JSON.stringify(run).length;
  assert.ok(size < 256 * 1024, `a run record of ${size} bytes for\n${code}`);
}

describe('random hostile job programs', () => {
  it('leave the service healthy and every run recorded, with memory and store bounded', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const rssBefore = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(fc.array(program, { minLength: PER_BATCH, maxLength: PER_BATCH }), async (programs) => {
        // Past the time box, later batches pass without running (fast-check's own time limit
        // would abandon a batch in flight).
        if (Date.now() - started > TIME_LIMIT_MS) return;
        try {
          await Promise.all(programs.map(runProgram));
        } catch (error) {
          // fast-check reports the programs; this says what broke.
          console.log(`# ${String((error as Error).message).slice(0, 2000)}`);
          throw error;
        }
        const status = await svc.api('/status');
        assert.equal(status.status, 200);
      }),
      { seed: SEED, numRuns: BATCHES, endOnFailure: true },
    );
    const runs = (await svc.api('/runs?limit=1000')).body as Array<{ outcome: string }>;
    assert.equal(runs.length, made, 'every run is recorded');
    assert.deepEqual(runs.filter((run) => run.outcome === 'running' || run.outcome === 'queued'), []);
    const pool = svc.service.pool.stats();
    assert.ok(pool.workers <= pool.maxWorkers);
    const grownMb = (process.memoryUsage().rss - rssBefore) / (1024 * 1024);
    // Threads grown for spinners and waits cost about 15 MB each; a thread whose guest filled its heap
    // is ended, but the memory of ended threads is not all handed back to the system, so process RSS
    // after a few hundred hostile runs sits between 0.5 and 1 GiB above the start. The bound catches
    // a run that keeps what it allocated; the pool's own live memory is what a leak test should read.
    assert.ok(grownMb < 2048, `RSS grew ${grownMb.toFixed(0)} MiB; pool ${JSON.stringify(pool)}`);
    // What would leak is what the threads keep alive: each ready thread's V8 heap after a full
    // collection, and its QuickJS module's memory, which a guest that filled its heap grows past
    // the pre-grown size for good (the pool ends such a thread rather than keep it).
    // Threads the last programs killed are still loading their replacements, and a full collection
    // on a busy machine can miss one answer's deadline: ask until a ready thread answers (10 s).
    let threads = await svc.service.pool.memory(true);
    for (const end = Date.now() + 10_000; threads.length === 0 && Date.now() < end; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      threads = await svc.service.pool.memory(true);
    }
    assert.ok(threads.length >= 1, 'a ready thread answers');
    for (const thread of threads) {
      assert.ok(thread.heapUsed < 32 * 1024 * 1024, `a thread keeps ${(thread.heapUsed / 1024 / 1024).toFixed(1)} MiB of V8 heap alive`);
      assert.equal(thread.wasm, INITIAL_WASM_BYTES, `a thread's QuickJS memory grew to ${(thread.wasm / 1024 / 1024).toFixed(0)} MiB`);
    }
    const threadsMb = threads.map((thread) => `${(thread.heapUsed / 1024 / 1024).toFixed(1)}+${(thread.wasm / 1024 / 1024).toFixed(0)}`).join(' ');
    const storeMb = statSync(join(svc.dataDir, 'quickjobs.db')).size / (1024 * 1024);
    assert.ok(storeMb < QUOTA_MB * made + 64, `the store holds ${storeMb.toFixed(0)} MiB`);
    console.log(`# fuzz: ${made} programs in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}), pool ${JSON.stringify(pool)}, threads' live heap+WASM MiB ${threadsMb}, RSS +${grownMb.toFixed(0)} MiB, store ${storeMb.toFixed(1)} MiB`);
  });
});

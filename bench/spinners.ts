/**
 * What a job spinning in a CPU loop costs other runs, and what the pool's threads cost.
 *
 * Uses the built pool (dist/, as `quickjobs start` runs it) when there is one: under tsx a new
 * worker thread compiles its TypeScript first, which is not what a service pays.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SandboxPool as Pool } from '../sandbox/pool.js';
import type { RunRequest } from '../sandbox/types.js';

const BUILT = fileURLToPath(new URL('../dist/sandbox/pool.js', import.meta.url));

async function poolClass(): Promise<typeof Pool> {
  const module = (await import(existsSync(BUILT) ? BUILT : '../sandbox/pool.js')) as { SandboxPool: typeof Pool };
  return module.SandboxPool;
}

function request(body: string, timeoutMs: number): RunRequest {
  return {
    jobName: 'bench',
    code: `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`,
    trigger: 'manual',
    lastRunAt: null,
    timeoutMs,
    memoryBytes: 64 * 1024 * 1024,
    timeZone: 'UTC',
    logLimitBytes: 64 * 1024,
  };
}

/** Times itself from its first step, so waiting for a thread to load is not counted. */
const SLEEPER = request('const t = Date.now();\nfor (let i = 0; i < 20; i++) await core.sleep(0.1);\ncore.log(Date.now() - t);\nreturn job.OK;', 30_000);
const SLEEPER_MS = 2000;
const TRIVIAL = request('return job.OK;', 5000);
const spinner = (ms: number) => request('while (true) {}', ms);

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error('the pool did not get there in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function timed(pool: Pool, req: RunRequest): Promise<number> {
  const start = performance.now();
  const outcome = await pool.run(req);
  if (outcome.outcome !== 'success') throw new Error(`bench run failed: ${JSON.stringify(outcome).slice(0, 200)}`);
  return performance.now() - start;
}

/** The sleeper's own time, from its log. */
async function selfTimed(pool: Pool, req: RunRequest): Promise<number> {
  const outcome = await pool.run(req);
  if (outcome.outcome !== 'success') throw new Error(`bench run failed: ${JSON.stringify(outcome).slice(0, 200)}`);
  return Number(outcome.logs[0]?.message);
}

/** Ten 100 ms sleeps ×2 in `runs` runs, with `spinners` spinners started just after them: the worst run's time past 2 s. */
async function sleeperDelayMs(SandboxPool: typeof Pool, runs: number, spinners: number): Promise<number> {
  const pool = await SandboxPool.create({ workers: 2 });
  try {
    await timed(pool, TRIVIAL);
    const sleeping = Array.from({ length: runs }, () => selfTimed(pool, SLEEPER));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const spinning = Array.from({ length: spinners }, () => pool.run(spinner(SLEEPER_MS + 1500)));
    const worst = Math.max(...(await Promise.all(sleeping)));
    await Promise.all(spinning);
    return worst - SLEEPER_MS;
  } finally {
    await pool.dispose();
  }
}

/** A trivial run started while `spinners` spin (each started once the last was seen executing): median and worst over `rounds`. */
async function trivialNextToSpinnersMs(SandboxPool: typeof Pool, spinners: number, rounds: number): Promise<{ median: number; worst: number }> {
  const pool = await SandboxPool.create({ workers: 2 });
  try {
    await timed(pool, TRIVIAL);
    const spinning: Array<Promise<unknown>> = [];
    for (let i = 0; i < spinners; i++) {
      spinning.push(pool.run(spinner(15_000)));
      await until(() => pool.stats().busy >= i + 1);
    }
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      times.push(await timed(pool, TRIVIAL));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all(spinning);
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, worst: times[times.length - 1]! };
  } finally {
    await pool.dispose();
  }
}

/** Resolves once no thread is loading and one at least is free: the spares behind long runs are ready. */
async function settled(pool: Pool): Promise<void> {
  await until(() => {
    const stats = pool.stats();
    return stats.free >= 1 && stats.workers === stats.running + stats.free;
  });
}

/**
 * A trivial run submitted just as a new spinner took a free thread, `rounds` times (one more
 * spinner each round, the pool settled in between): how long after its submission it began, as
 * the worker reports its start (waiting for a thread to load counts).
 */
async function trivialBehindTakenThreadMs(SandboxPool: typeof Pool, rounds: number): Promise<{ median: number; worst: number }> {
  const pool = await SandboxPool.create({ workers: 2 });
  const spinning: Array<Promise<unknown>> = [];
  try {
    await timed(pool, TRIVIAL);
    spinning.push(pool.run(spinner(300_000)));
    await until(() => pool.stats().busy === 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await settled(pool);
      spinning.push(pool.run(spinner(300_000)));
      await until(() => pool.stats().busy === spinning.length);
      const submitted = Date.now();
      const outcome = await pool.run(TRIVIAL);
      if (outcome.outcome !== 'success' || outcome.startedAt === undefined) throw new Error(`bench run failed: ${JSON.stringify(outcome).slice(0, 200)}`);
      times.push(outcome.startedAt - submitted);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, worst: times[times.length - 1]! };
  } finally {
    await pool.dispose();
    await Promise.all(spinning);
  }
}

/** Threads held by runs waiting on the host: how long one takes to start, and what each costs in RSS. */
async function threadCost(SandboxPool: typeof Pool, threads: number): Promise<{ startMs: number; rssMb: number; grownMs: number }> {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const pool = await SandboxPool.create({ workers: 1, maxWorkers: threads + 1 });
  const startMs = performance.now() - started;
  try {
    const waiting = Array.from({ length: threads }, () => pool.run(request('await core.sleep(60);\nreturn job.OK;', 120_000)));
    await until(() => pool.stats().queued === 0 && pool.stats().free >= 1 && pool.stats().running === threads);
    const grownMs = performance.now() - started - startMs;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rssMb = (process.memoryUsage().rss - before) / (1024 * 1024) / (threads + 1);
    await pool.dispose();
    void Promise.all(waiting);
    return { startMs, rssMb, grownMs };
  } finally {
    await pool.dispose();
  }
}

function trivial(spinners: string, times: { median: number; worst: number }): Record<string, number> {
  return {
    [`trivial next to ${spinners} spinners, median (ms)`]: times.median,
    [`trivial next to ${spinners} spinners, worst (ms)`]: times.worst,
  };
}

export async function benchSpinners(): Promise<Record<string, number>> {
  const SandboxPool = await poolClass();
  const cost = await threadCost(SandboxPool, 15);
  return {
    'built pool (1) or source (0)': existsSync(BUILT) ? 1 : 0,
    'sleepers alone, worst lateness (ms)': await sleeperDelayMs(SandboxPool, 4, 0),
    '4 sleepers + 2 spinners, worst (ms)': await sleeperDelayMs(SandboxPool, 4, 2),
    '4 sleepers + 4 spinners, worst (ms)': await sleeperDelayMs(SandboxPool, 4, 4),
    ...trivial('2', await trivialNextToSpinnersMs(SandboxPool, 2, 10)),
    ...trivial('6', await trivialNextToSpinnersMs(SandboxPool, 6, 10)),
    ...Object.fromEntries(
      Object.entries(await trivialBehindTakenThreadMs(SandboxPool, 6)).map(([key, ms]) => [`trivial just as a spinner took a free thread, start delay ${key} of 6 (ms)`, ms]),
    ),
    'thread start, bare (ms)': cost.startMs,
    '15 waiting runs: all started (ms)': cost.grownMs,
    'RSS per thread, 16 threads (MiB)': cost.rssMb,
  };
}

/**
 * Sandbox figures: the raw QuickJS cycle, a run through the pool, sustained throughput, and the
 * cost of one host call (answered in the worker). Returns numbers and prints nothing, unless run alone:
 * `node --import tsx bench/sandbox.ts`.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { newSandboxModule } from '../sandbox/module.js';
import { SandboxPool } from '../sandbox/pool.js';
import type { RunOutcome, RunRequest } from '../sandbox/types.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
};

function request(code: string): RunRequest {
  return {
    jobName: 'bench',
    code,
    trigger: 'manual',
    lastRunAt: null,
    timeoutMs: 30_000,
    memoryBytes: 64 * 1024 * 1024,
    timeZone: 'UTC',
    logLimitBytes: 64 * 1024,
  };
}

const TRIVIAL = request('const job = core.job();\njob.run = () => job.OK;\nreturn job;');

function succeeded(outcome: RunOutcome): void {
  if (outcome.outcome !== 'success') throw new Error(`bench run failed: ${JSON.stringify(outcome)}`);
}

/** (a) new runtime+context, evaluate `1 + 1`, dispose: the floor under every run. */
async function rawCycleMs(): Promise<{ median: number; p95: number }> {
  const module = await newSandboxModule();
  const cycle = (): number => {
    const start = performance.now();
    const context = module.newContext();
    context.unwrapResult(context.evalCode('1 + 1')).dispose();
    context.dispose();
    return performance.now() - start;
  };
  for (let i = 0; i < 200; i++) cycle();
  const times = Array.from({ length: 1000 }, cycle);
  return { median: median(times), p95: percentile(times, 0.95) };
}

/** (b) one trivial job through the pool, start to outcome, one at a time. */
async function pooledRunMs(pool: SandboxPool): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 300; i++) succeeded(await pool.run(TRIVIAL));
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const start = performance.now();
    succeeded(await pool.run(TRIVIAL));
    times.push(performance.now() - start);
  }
  return { median: median(times), p95: percentile(times, 0.95) };
}

/**
 * (c) trivial runs per second with enough in flight to keep every thread busy, and the CPU time
 * the whole process spent per run (all threads): on a shared machine the rate follows the load,
 * the CPU per run much less.
 */
async function runsPerSecond(pool: SandboxPool, inFlight: number, total: number): Promise<{ rate: number; cpuUs: number }> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      succeeded(await pool.run(TRIVIAL));
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: total / (elapsed / 1000), cpuUs: (used.user + used.system) / total };
}

/**
 * (d) what one host call adds: a job awaiting `calls` host calls, answered in its worker at once
 * (this pool has no host module: "not available"), against the same job awaiting as many
 * already-resolved guest promises. Median over several runs of each.
 */
async function hostCallUs(pool: SandboxPool, calls: number): Promise<{ perCall: number; baselinePerAwait: number }> {
  const loop = (awaited: string) =>
    request(`const job = core.job();\njob.run = async () => {\n  for (let i = 0; i < ${calls}; i++) await ${awaited};\n  return job.OK;\n};\nreturn job;`);
  const withHost = loop('core.data("bench").get(i)');
  const guestOnly = loop('Promise.resolve([i, null, null])');
  const time = async (req: RunRequest): Promise<number> => {
    const start = performance.now();
    succeeded(await pool.run(req));
    return performance.now() - start;
  };
  const hostTimes: number[] = [];
  const baseTimes: number[] = [];
  for (let round = 0; round < 2; round++) await time(withHost); // warm up
  for (let round = 0; round < 7; round++) {
    hostTimes.push(await time(withHost));
    baseTimes.push(await time(guestOnly));
  }
  return {
    perCall: ((median(hostTimes) - median(baseTimes)) / calls) * 1000,
    baselinePerAwait: (median(baseTimes) / calls) * 1000,
  };
}

export async function benchSandbox(): Promise<Record<string, number>> {
  const raw = await rawCycleMs();
  const workers = Math.max(1, Math.min(availableParallelism(), 4));
  const startedAt = performance.now();
  const pool = await SandboxPool.create({ workers });
  const poolStartMs = performance.now() - startedAt;
  try {
    const pooled = await pooledRunMs(pool);
    const throughput = await runsPerSecond(pool, workers * 4, 4000);
    const hostCall = await hostCallUs(pool, 2000);
    return {
      'raw cycle median (ms)': raw.median,
      'raw cycle p95 (ms)': raw.p95,
      [`pool start, ${workers} workers (ms)`]: poolStartMs,
      'pooled trivial run median (ms)': pooled.median,
      'pooled trivial run p95 (ms)': pooled.p95,
      [`trivial runs/s (${workers} workers)`]: throughput.rate,
      'process CPU per trivial run (µs)': throughput.cpuUs,
      'host call added (µs)': hostCall.perCall,
      'guest-only await baseline (µs)': hostCall.baselinePerAwait,
    };
  } finally {
    await pool.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, value] of Object.entries(await benchSandbox())) {
    console.log(`${name.padEnd(40)} ${value.toFixed(3)}`);
  }
}

/**
 * A burst: N trivial jobs on one cron expression, all due in the same instant. Prints, separately,
 * slot → true start, the wait and the code's own duration (p50/p99/max), and the process CPU per
 * run. Then the sustained figure (N jobs at a 1-second interval, CPU per run), and the same
 * workload through a naive loop (node-cron + a fresh QuickJS runtime per run + one SQLite INSERT,
 * in this process) for the ratio. Run alone: `node --import tsx bench/burst.ts [1000]`.
 */
import { loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import cron from 'node-cron';
import { newQuickJSWASMModule } from 'quickjs-emscripten';

import { DEFAULT_SETTINGS } from '../service/jobs/job-input.js';
import type { RunRecord } from '../service/jobs/types.js';
import { createTestService, type TestService } from '../test/helpers/app.js';
import { percentile } from './service.js';

const TRIVIAL = 'const job = core.job();\njob.run = () => job.OK;\nreturn job;\n';

function spread(prefix: string, values: number[]): Record<string, number> {
  return {
    [`${prefix}P50Ms`]: percentile(values, 50),
    [`${prefix}P99Ms`]: percentile(values, 99),
    [`${prefix}MaxMs`]: values.length === 0 ? NaN : Math.max(...values),
  };
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function createJobs(t: TestService, n: number, prefix: string, schedule: { cron?: string; interval?: number }): Promise<void> {
  for (let i = 0; i < n; i++) await t.service.jobs.create({ ...DEFAULT_SETTINGS, name: `${prefix}${i}`, ...schedule }, TRIVIAL);
}

async function runsOf(t: TestService, n: number, prefix: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (let i = 0; i < n; i++) runs.push(...(await t.service.store.listRuns({ job: `${prefix}${i}`, limit: 1000 })));
  return runs;
}

/** N jobs on `*\/10 * * * * *`: the slot every 10 s. Measures the first slot after creation. */
export async function benchBurst(n: number): Promise<Record<string, number>> {
  const t = await createTestService({ QUICKJOBS_WORKERS: '2', QUICKJOBS_RUN_HISTORY: '10' });
  try {
    await createJobs(t, n, 'burst', { cron: '*/10 * * * * *' });
    // Wait for a slot that comes after every job exists, with a second to spare.
    const slot = Math.ceil((Date.now() + 1000) / 10_000) * 10_000;
    await new Promise((resolve) => setTimeout(resolve, slot - Date.now() - 200));
    const load = loadavg()[0]!;
    const cpu0 = cpuMs();
    const done = async () => (await runsOf(t, n, 'burst')).filter((run) => run.scheduledAt === slot && run.finishedAt !== null).length >= n;
    const until = slot + 9000;
    while (Date.now() < until && !(await done())) await new Promise((resolve) => setTimeout(resolve, 200));
    const cpu = cpuMs() - cpu0;
    const all = (await runsOf(t, n, 'burst')).filter((run) => run.scheduledAt === slot);
    const runs = all.filter((run) => run.startedAt !== null);
    const started = runs.map((run) => run.startedAt! - slot);
    return {
      jobs: n,
      runsRecorded: all.length,
      runsStarted: runs.length,
      burstMs: Math.max(...all.map((run) => (run.finishedAt ?? NaN) - slot)),
      ...spread('slotToStart', started),
      ...spread('wait', runs.map((run) => run.waitMs ?? NaN)),
      ...spread('duration', runs.map((run) => run.durationMs ?? NaN)),
      ...spread('slotToQueued', runs.map((run) => run.queuedAt - slot)),
      // Includes the few polls of the store above (n small reads each): an upper bound.
      cpuPerRunMsUpperBound: cpu / Math.max(1, runs.length),
      loadAverage1m: load,
    };
  } finally {
    await t.close();
  }
}

/** N jobs at a 1-second interval for `seconds`: process CPU per run, lateness to the true start. */
export async function benchSustained(n: number, seconds: number, env: Record<string, string> = {}): Promise<Record<string, number>> {
  const t = await createTestService({ QUICKJOBS_WORKERS: '2', QUICKJOBS_RUN_HISTORY: String(seconds + 20), ...env });
  try {
    await createJobs(t, n, 'sus', { interval: 1 });
    // Let the first runs settle, then measure a whole window.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const load = loadavg()[0]!;
    const from = Date.now();
    const cpu0 = cpuMs();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpu = cpuMs() - cpu0;
    const to = Date.now();
    const runs = (await runsOf(t, n, 'sus')).filter((run) => run.startedAt !== null && run.startedAt >= from && run.startedAt < to);
    const lateness = runs.map((run) => run.startedAt! - run.scheduledAt!);
    return {
      jobs: n,
      runsPerSecond: runs.length / seconds,
      cpuPerRunMs: cpu / Math.max(1, runs.length),
      ...spread('lateness', lateness),
      ...spread('duration', runs.map((run) => run.durationMs ?? NaN)),
      loadAverage1m: load,
    };
  } finally {
    await t.close();
  }
}

/** The naive loop: node-cron, a fresh QuickJS runtime per run on the main thread, one SQLite INSERT. */
export async function benchNaive(n: number, seconds: number): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'qj-naive-'));
  const db = new Database(join(dir, 'naive.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, job TEXT, started_at INTEGER, finished_at INTEGER, result TEXT)');
  const insert = db.prepare('INSERT INTO runs (job, started_at, finished_at, result) VALUES (?, ?, ?, ?)');
  const quickjs = await newQuickJSWASMModule();
  // Its missed-execution warnings (one per task per missed second) would bury the figures; the
  // count of runs tells the same.
  let missed = 0;
  cron.setLogger({ info() {}, debug() {}, error() {}, warn: () => void (missed += 1) });
  let count = 0;
  let counting = false;
  const lateness: number[] = [];
  const tasks = Array.from({ length: n }, (_, i) =>
    cron.schedule('* * * * * *', () => {
      const started = Date.now();
      const runtime = quickjs.newRuntime();
      const context = runtime.newContext();
      const result = context.evalCode('(() => "OK")()');
      const value = result.error ? 'error' : String(context.dump(result.value));
      (result.error ?? result.value).dispose();
      context.dispose();
      runtime.dispose();
      insert.run(`job${i}`, started, Date.now(), value);
      if (counting) {
        count += 1;
        lateness.push(started % 1000);
      }
    }),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const load = loadavg()[0]!;
    counting = true;
    const cpu0 = cpuMs();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpu = cpuMs() - cpu0;
    counting = false;
    return { jobs: n, runsPerSecond: count / seconds, cpuPerRunMs: cpu / Math.max(1, count), ...spread('lateness', lateness), missedWarnings: missed, loadAverage1m: load };
  } finally {
    for (const task of tasks) await task.destroy();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Ours against the naive loop, same N, same run of the bench. */
export async function benchAgainstNaive(n: number, seconds: number): Promise<Record<string, number>> {
  const naive = await benchNaive(n, seconds);
  const ours = await benchSustained(n, seconds);
  return {
    jobs: n,
    oursCpuPerRunMs: ours.cpuPerRunMs!,
    naiveCpuPerRunMs: naive.cpuPerRunMs!,
    cpuRatio: ours.cpuPerRunMs! / naive.cpuPerRunMs!,
    oursLatenessP99Ms: ours.latenessP99Ms!,
    naiveLatenessP99Ms: naive.latenessP99Ms!,
    oursRunsPerSecond: ours.runsPerSecond!,
    naiveRunsPerSecond: naive.runsPerSecond!,
    loadAverage1m: loadavg()[0]!,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  console.log(await benchBurst(n));
}

/**
 * Service-level figures: per-run cost through pool and store, sustained runs per second, start
 * lateness under load, API latency while jobs spin, reload time and idle cost with 10,000 jobs.
 * Run alone with `node --import tsx bench/service.ts`.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_SETTINGS, type JobFieldsInput } from '../service/jobs/job-input.js';
import { createTestService } from '../test/helpers/app.js';
import { startService, waitFor, type ServiceHandle } from '../test/helpers/service.js';

const TRIVIAL = 'const job = core.job();\njob.run = () => job.OK;\nreturn job;\n';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Median cost of one manual run of a trivial job through the scheduler, pool and store. */
export async function benchRunCost(): Promise<Record<string, number>> {
  const t = await createTestService({ QUICKJOBS_WORKERS: '2' });
  try {
    await t.service.jobs.create({ ...defaults('trivial'), interval: 3600 }, TRIVIAL);
    for (let i = 0; i < 100; i++) await t.service.scheduler.runNow('trivial');
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      await t.service.scheduler.runNow('trivial');
      times.push(performance.now() - t0);
    }
    // Sustained: 32 jobs run back to back, each as soon as its previous run ends.
    const names = Array.from({ length: 32 }, (_, i) => `par${i}`);
    for (const name of names) await t.service.jobs.create({ ...defaults(name), interval: 3600 }, TRIVIAL);
    let count = 0;
    const until = performance.now() + 5000;
    await Promise.all(
      names.map(async (name) => {
        while (performance.now() < until) {
          await t.service.scheduler.runNow(name);
          count += 1;
        }
      }),
    );
    return { runCostMedianMs: percentile(times, 50), runCostP99Ms: percentile(times, 99), sustainedRunsPerSecond: count / 5 };
  } finally {
    await t.close();
  }
}

/** Start lateness p50/p99 of `jobs` jobs at a 1-second interval over `seconds`. */
export async function benchLateness(jobs: number, seconds: number): Promise<Record<string, number>> {
  const t = await createTestService({ QUICKJOBS_WORKERS: '2', QUICKJOBS_RUN_HISTORY: '1000' });
  try {
    for (let i = 0; i < jobs; i++) await t.service.jobs.create({ ...defaults(`late${i}`), interval: 1 }, TRIVIAL);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 1500));
    const lateness: number[] = [];
    let outcomes = 0;
    for (let i = 0; i < jobs; i++) {
      for (const run of await t.service.store.listRuns({ job: `late${i}`, limit: 1000 })) {
        if (run.outcome !== 'success' || run.scheduledAt === null) continue;
        if (run.startedAt === null) continue;
        lateness.push(run.startedAt - run.scheduledAt);
        outcomes += 1;
      }
    }
    return { [`lateness${jobs}P50Ms`]: percentile(lateness, 50), [`lateness${jobs}P99Ms`]: percentile(lateness, 99), [`lateness${jobs}Runs`]: outcomes };
  } finally {
    await t.close();
  }
}

/** `/api/v1/status` latency over real HTTP while two jobs spin in CPU loops. */
export async function benchApiWhileSpinning(): Promise<Record<string, number>> {
  const svc = await startService({ env: { QUICKJOBS_WORKERS: '2' } });
  try {
    for (const name of ['spin1', 'spin2']) {
      await svc.api('/jobs', { method: 'POST', body: { name, interval: 1, timeout: 60, code: 'const job = core.job(); job.run = () => { while (true) {} }; return job;' } });
    }
    await waitFor(async () => (await svc.api('/status')).body.jobs.running === 2, 10_000, 'spinners');
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      await svc.api('/status');
      times.push(performance.now() - t0);
    }
    return { statusWhileSpinningP50Ms: percentile(times, 50), statusWhileSpinningP99Ms: percentile(times, 99) };
  } finally {
    await svc.kill();
    await svc.cleanup();
  }
}

/** Reload time, idle CPU and RSS of the service process holding 10,000 jobs. */
export async function benchTenThousand(): Promise<Record<string, number>> {
  const svc = await startService({ env: { QUICKJOBS_WORKERS: '2' } });
  try {
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const i = next++;
          const res = await svc.api('/jobs', { method: 'POST', body: { name: `idle${i}`, interval: 86_400, code: TRIVIAL } });
          if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
        }
      }),
    );
    const reloads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await svc.api('/reload', { method: 'POST' });
      reloads.push(performance.now() - t0);
    }
    // Let the collector finish with the garbage of 10,000 creations and the reloads first: idle
    // means the steady state, not the tail of the set-up.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const cpu0 = await processCpuMs(svc);
    const wall0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const cpu = (await processCpuMs(svc)) - cpu0;
    const idleCpuPercent = (cpu / (performance.now() - wall0)) * 100;
    return { reload10kMedianMs: percentile(reloads, 50), idle10kCpuPercent: idleCpuPercent, idle10kRssMb: (await processRssKb(svc)) / 1024 };
  } finally {
    await svc.kill();
    await svc.cleanup();
  }
}

export async function processCpuMs(svc: ServiceHandle): Promise<number> {
  const stat = (await readFile(`/proc/${svc.child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second).
  return (Number(stat[11]) + Number(stat[12])) * 10;
}

async function processRssKb(svc: ServiceHandle): Promise<number> {
  const status = await readFile(`/proc/${svc.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

function defaults(name: string): JobFieldsInput {
  return { ...DEFAULT_SETTINGS, name };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchRunCost());
  console.log(await benchLateness(100, 10));
  console.log(await benchLateness(1000, 10));
  console.log(await benchApiWhileSpinning());
  console.log(await benchTenThousand());
}

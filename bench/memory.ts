/**
 * `npm run bench -- memory`: the service as `npm start` starts it (the build in dist/, with the
 * same node flags, on the Node that runs the bench) with 1,000 trivial jobs at a 1-second interval. The service
 * process's RSS is sampled every 5 s; the figures are min/median/max per minute, the peak after
 * warm-up and the growth per hour after warm-up (a line fitted through the samples).
 *
 * QUICKJOBS_BENCH_MEMORY_MINUTES sets the length (default 10); the first 5 minutes (or the first
 * half of a shorter run) are warm-up: the syntax checker's thread retires 30 s after the jobs are
 * made, and on Node 24 the process then settles in steps of a MB or two for a few minutes (V8's
 * code and malloc's arenas as more functions are optimized) before it holds flat.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './service.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TRIVIAL = 'const job = core.job();\njob.run = () => job.OK;\nreturn job;\n';
const JOBS = 1000;
const SAMPLE_MS = 5000;

export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

/** The sum of `quickjobs_runs_total` over jobs and outcomes, and the sandbox threads now. */
async function readMetrics(baseUrl: string, token: string): Promise<{ runs: number; threads: number }> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const figures = { runs: 0, threads: 0 };
  for (const line of (await response.text()).split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('quickjobs_runs_total{')) figures.runs += value;
    if (line.startsWith('quickjobs_pool_workers ')) figures.threads = value;
  }
  return figures;
}

/** Least-squares slope of `values` over `times` (per ms). */
function slope(times: number[], values: number[]): number {
  const n = times.length;
  const mt = times.reduce((a, b) => a + b, 0) / n;
  const mv = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (times[i]! - mt) * (values[i]! - mv);
    den += (times[i]! - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function benchMemory(): Promise<Record<string, number>> {
  const minutes = Number(process.env.QUICKJOBS_BENCH_MEMORY_MINUTES ?? 10);
  const warmupMs = Math.min(300_000, (minutes * 60_000) / 2);
  const dataDir = await mkdtemp(join(tmpdir(), 'quickjobs-bench-memory-'));
  await mkdir(join(dataDir, 'jobs'));
  const token = randomBytes(16).toString('hex');
  const start = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  // `NAME=value … node <flags> bin/quickjobs.js start`: the assignments go into the environment.
  const words = start.split(/\s+/);
  const settings = words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split('=') as [string, string]);
  const args = words.slice(words.indexOf('node') + 1);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(settings),
      QUICKJOBS_PORT: '0',
      QUICKJOBS_HOST: '127.0.0.1',
      QUICKJOBS_DATA_DIR: dataDir,
      QUICKJOBS_JOBS_DIR: join(dataDir, 'jobs'),
      QUICKJOBS_ADMIN_PASSWORD: randomBytes(8).toString('hex'),
      QUICKJOBS_API_TOKEN: token,
      QUICKJOBS_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the service exited with ${code}: ${output}`)));
    });
    const startupMb = await rssOf(child.pid!);
    for (let i = 0; i < JOBS; i++) {
      const response = await fetch(`${baseUrl}/api/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `mem${i}`, interval: 1, code: TRIVIAL }),
      });
      if (response.status !== 201) throw new Error(`creating a job: ${response.status} ${await response.text()}`);
    }
    const began = Date.now();
    const samples: Array<{ at: number; mb: number }> = [];
    // More threads than QUICKJOBS_WORKERS means runs held their thread for long: on a machine
    // whose other load starves the service, every run does, and the figures are not this workload's.
    let threads = 0;
    while (Date.now() - began < minutes * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      samples.push({ at: Date.now() - began, mb: await rssOf(child.pid!) });
      threads = Math.max(threads, (await readMetrics(baseUrl, token)).threads);
    }
    const figures: Record<string, number> = { 'rss at start MB': startupMb };
    for (let minute = 0; minute < minutes; minute++) {
      const mbs = samples.filter((s) => Math.floor(s.at / 60_000) === minute).map((s) => s.mb);
      if (mbs.length === 0) continue;
      figures[`minute ${minute + 1} RSS min MB`] = Math.min(...mbs);
      figures[`minute ${minute + 1} RSS median MB`] = percentile(mbs, 50);
      figures[`minute ${minute + 1} RSS max MB`] = Math.max(...mbs);
    }
    const steady = samples.filter((s) => s.at >= warmupMs);
    const mbs = steady.map((s) => s.mb);
    const perMs = slope(steady.map((s) => s.at), mbs);
    const median = percentile(mbs, 50);
    figures['after warm-up max MB'] = Math.max(...mbs);
    figures['after warm-up median MB'] = median;
    figures['growth per hour %'] = ((perMs * 3_600_000) / median) * 100;
    figures['runs per second'] = (await readMetrics(baseUrl, token)).runs / ((Date.now() - began) / 1000);
    figures['most sandbox threads'] = threads;
    return figures;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    await rm(dataDir, { recursive: true, force: true });
  }
}

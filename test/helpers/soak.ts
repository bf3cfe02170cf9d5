/**
 * The chaos soak: the real service as a child process under mixed jobs (one-second ticks,
 * sleepers, jobs that overrun their interval, core.data writers, cron, run-once) while API writers
 * save code and edit jobs, optionally killed with SIGKILL and restarted on the same store, then
 * stopped cleanly. The runs it left in the store are then checked: none left `running`, no slot
 * run twice, no two runs of one job at once. The test suite runs it briefly; `npm run bench` longer.
 */
import { MysqlStore } from '../../service/store/mysql-store.js';
import { SqliteStore } from '../../service/store/sqlite-store.js';
import type { Store } from '../../service/store/store.js';
import type { RunRecord } from '../../service/jobs/types.js';
import { startService, type ServiceHandle } from './service.js';

export interface SoakOptions {
  /** The store URL (`mysql://…`); default SQLite in the data folder. */
  mysqlUrl?: string;
  /** How long the load runs in all. */
  durationMs: number;
  /** SIGKILL-and-restart rounds spread over the duration; 0 for none. */
  kills: number;
  /** Jobs of each kind (ticks, sleepers, overrunners, data writers, run-once); cron jobs are two. */
  perKind: number;
}

export interface SoakReport {
  runs: number;
  leftRunning: number;
  duplicateSlots: Array<{ job: string; scheduledAt: number | null; ids: number[] }>;
  overlaps: Array<{ job: string; ids: [number, number] }>;
  interrupted: number;
  /** Runs by outcome, and the distinct messages of runs that ended with an error. */
  outcomes: Record<string, number>;
  runErrors: string[];
  apiWrites: number;
  /** API answers other than 2xx while the service was up (a refused connection while killed is not one). */
  apiErrors: string[];
  dataObjects: number;
  exitCode: number | null;
  /** Log lines about the store refusing or failing anything. */
  storeComplaints: string[];
}

const TICK = `const job = core.job(); job.run = async () => job.OK; return job;`;
const SLEEPER = `const job = core.job(); job.run = async () => { await core.sleep(0.2 + Math.random() * 0.6); return job.OK; }; return job;`;
const OVERRUNNER = `const job = core.job(); job.run = async () => { await core.sleep(2.5); return job.OK; }; return job;`;
const DATA_WRITER = `const job = core.job();
job.run = async () => {
  const box = core.data('soak');
  for (let i = 0; i < 10; i++) {
    const [, err] = await box.save({ job: job.name, i, at: Date.now() });
    if (err) throw new Error(err);
  }
  const [found, err] = await box.getPage(1, 5, { at: 'desc' });
  if (err) throw new Error(err);
  return found.length > 0 ? job.OK : job.EXIT;
};
return job;`;

function jobsToCreate(perKind: number): Array<Record<string, unknown>> {
  const jobs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < perKind; i++) {
    jobs.push({ name: `tick-${i}`, interval: 1, code: TICK });
    jobs.push({ name: `sleeper-${i}`, interval: 1, code: SLEEPER });
    jobs.push({ name: `overrun-${i}`, interval: 1, missed: 'once', code: OVERRUNNER });
    jobs.push({ name: `data-${i}`, interval: 1, code: DATA_WRITER });
    jobs.push({ name: `once-${i}`, interval: 1, runOnce: true, code: TICK });
  }
  jobs.push({ name: 'cron-a', cron: '* * * * * *', code: TICK });
  jobs.push({ name: 'cron-b', cron: '*/2 * * * * *', code: SLEEPER });
  return jobs;
}

const STORE_COMPLAINT = /locked|busy|refused the end|store failed|SQLITE_|could not/i;

export async function soak(options: SoakOptions): Promise<SoakReport> {
  const env: Record<string, string> = {
    QUICKJOBS_WORKERS: '2',
    QUICKJOBS_RUN_HISTORY: '100000',
    QUICKJOBS_SHUTDOWN_TIMEOUT: '10',
    QUICKJOBS_LOG_LEVEL: 'warn',
  };
  if (options.mysqlUrl) env.QUICKJOBS_STORE = options.mysqlUrl;
  let service = await startService({ env });
  const { dataDir } = service;
  const outputs: string[] = [];
  const report: SoakReport = {
    runs: 0, leftRunning: 0, duplicateSlots: [], overlaps: [], interrupted: 0, outcomes: {}, runErrors: [], apiWrites: 0, apiErrors: [],
    dataObjects: 0, exitCode: null, storeComplaints: [],
  };

  const jobs = jobsToCreate(options.perKind);
  for (const job of jobs) {
    const created = await service.api('/jobs', { method: 'POST', body: job });
    if (created.status !== 201) throw new Error(`could not create ${String(job.name)}: ${created.status} ${JSON.stringify(created.body)}`);
  }

  // API writers: code saves and job edits, two at a time, for the whole soak.
  let writing = true;
  let up = true;
  const writer = async (seed: number) => {
    for (let n = seed; writing; n += 2) {
      const i = n % options.perKind;
      const current = service;
      try {
        const answer =
          n % 3 === 0
            ? await current.api(`/jobs/tick-${i}/code`, { method: 'PUT', body: { code: `// save ${n}\n${TICK}` } })
            : await current.api(`/jobs/sleeper-${i}`, { method: 'PUT', body: { description: `edit ${n}`, timeout: 10 + (n % 5) } });
        report.apiWrites += 1;
        if (answer.status >= 300) report.apiErrors.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      } catch (error) {
        // Refused while killed and restarting; anything else is a failure.
        if (up && current === service) report.apiErrors.push(`request failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const writers = [writer(0), writer(1)];

  const slice = options.durationMs / (options.kills + 1);
  for (let round = 0; round < options.kills; round++) {
    await new Promise((resolve) => setTimeout(resolve, slice * (0.5 + Math.random())));
    up = false;
    await service.kill();
    outputs.push(service.output());
    service = await startService({ env, dataDir });
    up = true;
  }
  await new Promise((resolve) => setTimeout(resolve, slice));
  writing = false;
  await Promise.all(writers);
  report.exitCode = await service.stop();
  outputs.push(service.output());
  report.storeComplaints = outputs.join('\n').split('\n').filter((line) => STORE_COMPLAINT.test(line));

  const store: Store = options.mysqlUrl
    ? await MysqlStore.open({ url: options.mysqlUrl, runHistory: 100_000 })
    : SqliteStore.open({ file: `${dataDir}/quickjobs.db`, runHistory: 100_000 });
  try {
    const runs = await allRuns(store);
    check(runs, report);
    report.dataObjects = (await store.dataPage('soak', { page: 1, perPage: 100_000 })).length;
  } finally {
    await store.close();
    await service.cleanup();
  }
  return report;
}

async function allRuns(store: Store): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.listRuns({ limit: 1000, before });
    runs.push(...page);
    if (page.length < 1000) return runs;
    before = page[page.length - 1]!.id;
  }
}

function check(runs: RunRecord[], report: SoakReport): void {
  report.runs = runs.length;
  report.leftRunning = runs.filter((r) => r.outcome === 'running').length;
  report.interrupted = runs.filter((r) => r.outcome === 'interrupted').length;
  for (const run of runs) report.outcomes[run.outcome] = (report.outcomes[run.outcome] ?? 0) + 1;
  report.runErrors = [...new Set(runs.filter((r) => r.outcome === 'error' || r.outcome === 'timeout').map((r) => `${r.job}: ${r.error?.message}`))];
  const byJob = new Map<string, RunRecord[]>();
  for (const run of runs) byJob.set(run.job, [...(byJob.get(run.job) ?? []), run]);
  for (const [job, list] of byJob) {
    // A slot counts as run when its run executed to an end; a run cut off by a kill was not, and
    // its slot runs again after the restart (the only way a slot may appear twice).
    const slots = new Map<number, number[]>();
    for (const run of list) {
      if (run.scheduledAt === null || run.outcome === 'interrupted') continue;
      slots.set(run.scheduledAt, [...(slots.get(run.scheduledAt) ?? []), run.id]);
    }
    for (const [scheduledAt, ids] of slots) if (ids.length > 1) report.duplicateSlots.push({ job, scheduledAt, ids });
    // A run holds its job from its queueing: no run of the job is queued before the previous one ended.
    const ordered = [...list].sort((a, b) => a.queuedAt - b.queuedAt);
    for (let i = 1; i < ordered.length; i++) {
      const previous = ordered[i - 1]!;
      const end = previous.finishedAt ?? Number.POSITIVE_INFINITY;
      if (ordered[i]!.queuedAt < end) report.overlaps.push({ job, ids: [previous.id, ordered[i]!.id] });
    }
  }
}

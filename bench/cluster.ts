/**
 * Several nodes on one MariaDB database: runs/s of 1, 2 and 3 nodes, then a chaos phase of 3 nodes
 * with SIGKILLs, graceful stops and restarts. Prints duplicates (must be 0), missed slots, takeover
 * time after each kill, edit propagation (a code save through one node until both others' schedulers
 * hold it), and lateness. QUICKJOBS_BENCH_CLUSTER_JOBS (default 200 one-second jobs)
 * and QUICKJOBS_BENCH_CLUSTER_S (default 300 s of chaos) size it; 100,000 slots need
 * jobs × seconds ≥ 100,000 at whatever rate the machine keeps up with.
 */
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

import { createTestDatabase, type TestDatabase } from '../test/helpers/mysql-database.js';
import { startService, waitFor, type ServiceHandle } from '../test/helpers/service.js';
import { openEvents } from '../test/helpers/sse.js';
import { benchSustained } from './burst.js';
import { percentile, processCpuMs } from './service.js';

const JOBS = Number(process.env.QUICKJOBS_BENCH_CLUSTER_JOBS ?? 200);
/** Jobs in the chaos phase: as many as the nodes keep up with, so takeover is not measured behind a backlog. */
const CHAOS_JOBS = Number(process.env.QUICKJOBS_BENCH_CLUSTER_CHAOS_JOBS ?? JOBS);
const CHAOS_S = Number(process.env.QUICKJOBS_BENCH_CLUSTER_S ?? 300);
const THROUGHPUT_S = Number(process.env.QUICKJOBS_BENCH_CLUSTER_RATE_S ?? 20);
const CODE = 'const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  job: string;
  scheduled_at: number | null;
  /** When the node claimed the slot and took the run up. */
  queued_at: number;
  /** When its code began (null for a run that never did, such as an interrupted one). */
  started_at: number | null;
  node: string;
  outcome: string;
}

async function startNode(database: TestDatabase, id: string): Promise<ServiceHandle> {
  return startService({ env: { QUICKJOBS_STORE: database.url(), QUICKJOBS_NODE_ID: id, QUICKJOBS_LOG_LEVEL: 'error', QUICKJOBS_RUN_HISTORY: '100000' } });
}

async function withCluster<T>(work: (database: TestDatabase, db: mysql.Connection) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  const db = await mysql.createConnection(database.url());
  try {
    return await work(database, db);
  } finally {
    await db.end();
    await database.drop();
  }
}

async function createJobs(node: ServiceHandle, count = JOBS): Promise<void> {
  for (let i = 0; i < count; i++) await node.api('/jobs', { method: 'POST', body: { name: `j${i}`, interval: 1, code: CODE } });
}

async function runsBetween(db: mysql.Connection, from: number, to: number): Promise<Run[]> {
  const [rows] = await db.query('SELECT job, scheduled_at, queued_at, started_at, node, outcome FROM quickjobs_runs WHERE queued_at BETWEEN ? AND ?', [from, to]);
  return (rows as Run[]).map((run) => ({
    ...run,
    scheduled_at: run.scheduled_at === null ? null : Number(run.scheduled_at),
    queued_at: Number(run.queued_at),
    started_at: run.started_at === null ? null : Number(run.started_at),
  }));
}

/** The database server's CPU time so far (ms), when it runs on this machine; NaN when it cannot be read. */
async function databaseCpuMs(): Promise<number> {
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!/^\d+ \((mariadbd|mysqld)\)/.test(stat)) continue;
    const fields = stat.split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return NaN;
}

/** One throughput phase's figures: runs/s, the nodes' process CPU per run, the database server's, the load. */
interface Rate {
  runsPerSecond: number;
  cpuPerRunMs: number;
  databaseCpuPerRunMs: number;
  load: number;
}

/** Measures THROUGHPUT_S seconds of `nodes`; `count` answers how many runs were taken up in the window. */
async function measure(nodes: ServiceHandle[], count: (from: number, to: number) => Promise<number>): Promise<Rate> {
  const load = loadavg()[0]!;
  const cpu = async () => (await Promise.all(nodes.map((node) => processCpuMs(node)))).reduce((x, y) => x + y, 0);
  const [cpu0, db0] = [await cpu(), await databaseCpuMs()];
  const from = Date.now();
  await sleep(THROUGHPUT_S * 1000);
  const to = Date.now();
  const [spent, dbSpent] = [(await cpu()) - cpu0, (await databaseCpuMs()) - db0];
  const runs = await count(from, to);
  return { runsPerSecond: runs / THROUGHPUT_S, cpuPerRunMs: spent / Math.max(1, runs), databaseCpuPerRunMs: dbSpent / Math.max(1, runs), load };
}

/** Runs per second one node on the SQLite store keeps up with on the same jobs: the yardstick. */
async function sqliteThroughput(): Promise<Rate> {
  const node = await startService({ env: { QUICKJOBS_LOG_LEVEL: 'error', QUICKJOBS_RUN_HISTORY: '100000' } });
  try {
    await createJobs(node);
    await sleep(5_000);
    // A reader beside the node's writer (WAL): it takes no lock the node waits on.
    const db = new Database(join(node.dataDir, 'quickjobs.db'), { readonly: true });
    try {
      const count = db.prepare('SELECT count(*) AS n FROM runs WHERE queued_at BETWEEN ? AND ?');
      const rate = await measure([node], async (from, to) => (count.get(from, to) as { n: number }).n);
      return { ...rate, databaseCpuPerRunMs: NaN };
    } finally {
      db.close();
    }
  } finally {
    await node.kill().catch(() => undefined);
    await node.cleanup();
  }
}

/** Runs per second that `count` nodes keep up with on JOBS one-second jobs. */
async function throughput(count: number): Promise<Rate> {
  return withCluster(async (database, db) => {
    const nodes: ServiceHandle[] = [];
    try {
      // One after another: processes loading their sandboxes at once crowd a small machine.
      for (let i = 0; i < count; i++) nodes.push(await startNode(database, `n${i}`));
      await createJobs(nodes[0]!);
      await sleep(5_000);
      return await measure(nodes, async (from, to) => (await runsBetween(db, from, to)).length);
    } finally {
      for (const node of nodes) await node.kill();
    }
  });
}

/**
 * Saves new code for `EDITS` jobs, each through a different node, and times how long until both
 * other nodes' schedulers hold the new version (they emit the job on their /events then).
 */
const EDITS = 30;
async function propagation(nodes: ServiceHandle[]): Promise<number[]> {
  const streams = await Promise.all(nodes.map((node) => openEvents(node)));
  const times: number[] = [];
  try {
    for (let i = 0; i < EDITS; i++) {
      const editor = i % nodes.length;
      const name = `j${i % CHAOS_JOBS}`;
      const saved = await nodes[editor]!.api(`/jobs/${name}/code`, { method: 'PUT', body: { code: CODE.replace('job.OK', `(${i}, job.OK)`) } });
      if (saved.status !== 200) throw new Error(`saving ${name} answered ${saved.status}`);
      const savedAt = Date.now();
      const version = saved.body.version as number;
      const seen = await Promise.all(
        streams.filter((_, k) => k !== editor).map((stream) => stream.next((e) => e.event === 'job' && e.data.name === name && e.data.version >= version, 10_000, `${name} v${version}`)),
      );
      times.push(Math.max(...seen.map((event) => event.at)) - savedAt);
      await sleep(300);
    }
  } finally {
    for (const stream of streams) stream.close();
  }
  return times;
}

async function chaos(): Promise<Record<string, number>> {
  return withCluster(async (database, db) => {
    const ids = ['n0', 'n1', 'n2'];
    const nodes = new Map<string, ServiceHandle>();
    const takeovers: number[] = [];
    const detections: number[] = [];
    try {
      for (const id of ids) nodes.set(id, await startNode(database, id));
      await createJobs(nodes.get('n0')!, CHAOS_JOBS);
      await sleep(3_000);
      const from = Date.now();
      const edits = await propagation([...nodes.values()]);
      let round = 0;
      while (Date.now() - from < CHAOS_S * 1000 - 20_000) {
        await sleep(10_000);
        const id = ids[round % 3]!;
        const graceful = round % 4 === 3;
        const before = await runsBetween(db, Date.now() - 2_000, Date.now());
        const owned = new Set(before.filter((run) => run.node === id).map((run) => run.job));
        if (graceful) await nodes.get(id)!.stop();
        else await nodes.get(id)!.kill();
        const downAt = Date.now();
        if (!graceful) {
          const declared = await waitFor(async () => {
            const [rows] = await db.query('SELECT alive FROM quickjobs_nodes WHERE id = ?', [id]);
            return (rows as Array<{ alive: number }>)[0]?.alive === 0 ? Date.now() : null;
          }, 30_000, 'the killed node declared dead');
          detections.push(declared - downAt);
          const resumed = await waitFor(async () => {
            const later = (await runsBetween(db, downAt, Date.now())).filter((run) => run.node !== id && owned.has(run.job));
            const firsts = new Map<string, number>();
            for (const run of later) if (!firsts.has(run.job)) firsts.set(run.job, run.queued_at);
            return firsts.size === owned.size ? [...firsts.values()] : null;
          }, 30_000, 'takeover');
          takeovers.push(Math.max(...resumed) - downAt);
        }
        nodes.set(id, await startNode(database, id));
        round++;
      }
      await sleep(5_000);
      const to = Date.now();
      const runs = await runsBetween(db, from, to);
      const scheduled = runs.filter((run) => run.scheduled_at !== null);
      const slots = new Map<string, number[]>();
      for (const run of scheduled) slots.set(run.job, [...(slots.get(run.job) ?? []), run.scheduled_at!]);
      let duplicates = 0;
      let missed = 0;
      for (const list of slots.values()) {
        list.sort((x, y) => x - y);
        for (let i = 1; i < list.length; i++) {
          const gap = list[i]! - list[i - 1]!;
          if (gap < 1_000) duplicates++;
          else missed += Math.round(gap / 1_000) - 1;
        }
      }
      // To the code's true start; a run that never began (interrupted) has no lateness.
      const lateness = scheduled.filter((run) => run.started_at !== null).map((run) => run.started_at! - run.scheduled_at!);
      return {
        'chaos seconds': (to - from) / 1000,
        'slots due (run + missed)': scheduled.length + missed,
        'slots run': scheduled.length,
        'duplicate slots': duplicates,
        'missed slots': missed,
        interrupted: runs.filter((run) => run.outcome === 'interrupted').length,
        kills: takeovers.length,
        restarts: round,
        'edit propagation p50 ms': percentile(edits, 50),
        'edit propagation max ms': Math.max(...edits),
        'killed node declared dead p50 ms': percentile(detections, 50),
        'killed node declared dead max ms': Math.max(0, ...detections),
        'takeover p50 ms': percentile(takeovers, 50),
        'takeover max ms': Math.max(0, ...takeovers),
        'lateness p50 ms': percentile(lateness, 50),
        'lateness p99 ms': percentile(lateness, 99),
      };
    } finally {
      for (const node of nodes.values()) await node.kill();
    }
  });
}

function rateFigures(name: string, rate: Rate): Record<string, number> {
  return {
    [`runs/s, ${name}`]: rate.runsPerSecond,
    [`node CPU per run ms, ${name}`]: rate.cpuPerRunMs,
    ...(Number.isNaN(rate.databaseCpuPerRunMs) ? {} : { [`database CPU per run ms, ${name}`]: rate.databaseCpuPerRunMs }),
    [`load average 1 min, ${name}`]: rate.load,
  };
}

export async function benchCluster(): Promise<Record<string, number>> {
  const sqlite = await sqliteThroughput();
  const figures: Record<string, number> = { jobs: JOBS, ...rateFigures('1 node on SQLite', sqlite) };
  for (const count of [1, 2, 3]) {
    const rate = await throughput(count);
    Object.assign(figures, rateFigures(`${count} node${count > 1 ? 's' : ''}`, rate));
    if (count === 1) figures['SQLite ÷ MySQL, runs/s of 1 node'] = sqlite.runsPerSecond / rate.runsPerSecond;
  }
  // QUICKJOBS_BENCH_CLUSTER_S=0: the throughput phases only.
  if (CHAOS_S <= 0) return figures;
  return { ...figures, 'chaos jobs': CHAOS_JOBS, ...(await chaos()) };
}

/**
 * Issue 12's MySQL figure: the sustained workload (N trivial jobs at 1 s, bench/burst.ts) on one
 * in-process service whose store is a fresh MariaDB database; process CPU per run, and the
 * database server's CPU per run beside it when it runs on this machine.
 */
export async function benchSustainedMysql(n: number, seconds: number): Promise<Record<string, number>> {
  const database = await createTestDatabase();
  try {
    const db0 = await databaseCpuMs();
    const figures = await benchSustained(n, seconds, { QUICKJOBS_STORE: database.url() });
    // Over the whole section (job creation and reading back included): an upper bound.
    const dbSpent = (await databaseCpuMs()) - db0;
    return { ...figures, databaseCpuPerRunMsUpperBound: dbSpent / Math.max(1, figures.runsPerSecond! * seconds) };
  } finally {
    await database.drop();
  }
}

/**
 * Several nodes on one MariaDB database: runs/s of 1, 2 and 3 nodes, then a chaos phase of 3 nodes
 * with SIGKILLs, graceful stops and restarts. Prints duplicates (must be 0), missed slots, takeover
 * time after each kill, edit propagation (a code save through one node until both others' schedulers
 * hold it), and lateness. QUICKJOBS_BENCH_CLUSTER_JOBS (default 200 one-second jobs)
 * and QUICKJOBS_BENCH_CLUSTER_S (default 300 s of chaos) size it; 100,000 slots need
 * jobs × seconds ≥ 100,000 at whatever rate the machine keeps up with.
 */
import { join } from 'node:path';

import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

import { createTestDatabase, type TestDatabase } from '../test/helpers/mysql-database.js';
import { startService, waitFor, type ServiceHandle } from '../test/helpers/service.js';
import { openEvents } from '../test/helpers/sse.js';
import { percentile } from './service.js';

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

/** Runs per second one node on the SQLite store keeps up with on the same jobs: the yardstick. */
async function sqliteThroughput(): Promise<number> {
  const node = await startService({ env: { QUICKJOBS_LOG_LEVEL: 'error', QUICKJOBS_RUN_HISTORY: '100000' } });
  try {
    await createJobs(node);
    await sleep(5_000);
    const from = Date.now();
    await sleep(THROUGHPUT_S * 1000);
    const to = Date.now();
    await node.stop();
    const db = new Database(join(node.dataDir, 'quickjobs.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT count(*) AS n FROM runs WHERE queued_at BETWEEN ? AND ?').get(from, to) as { n: number };
      return row.n / THROUGHPUT_S;
    } finally {
      db.close();
    }
  } finally {
    await node.kill().catch(() => undefined);
    await node.cleanup();
  }
}

/** Runs per second that `count` nodes keep up with on JOBS one-second jobs. */
async function throughput(count: number): Promise<number> {
  return withCluster(async (database, db) => {
    const nodes: ServiceHandle[] = [];
    try {
      // One after another: processes loading their sandboxes at once crowd a small machine.
      for (let i = 0; i < count; i++) nodes.push(await startNode(database, `n${i}`));
      await createJobs(nodes[0]!);
      await sleep(5_000);
      const from = Date.now();
      await sleep(THROUGHPUT_S * 1000);
      return (await runsBetween(db, from, Date.now())).length / THROUGHPUT_S;
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

export async function benchCluster(): Promise<Record<string, number>> {
  const figures: Record<string, number> = { jobs: JOBS, 'runs/s, 1 node on SQLite': await sqliteThroughput() };
  for (const count of [1, 2, 3]) figures[`runs/s, ${count} node${count > 1 ? 's' : ''}`] = await throughput(count);
  return { ...figures, 'chaos jobs': CHAOS_JOBS, ...(await chaos()) };
}

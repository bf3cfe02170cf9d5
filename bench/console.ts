/**
 * `npm run bench -- console`: the operator's console over 1,000,000 stored runs, in SQLite and in
 * MySQL: `GET /stats?days=30`'s aggregates and `GET /runs` with each filter, through the stores
 * as the routes call them. The rows are made with bulk INSERTs, not through the service. Then the
 * dashboard's bytes and time to interactive in Chromium.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { DEFAULT_SETTINGS } from '../service/jobs/job-input.js';
import { NEW_JOB_STATE, type Job } from '../service/jobs/types.js';
import { MysqlStore } from '../service/store/mysql-store.js';
import { SqliteStore } from '../service/store/sqlite-store.js';
import { MYSQL_ROLLUPS, rebuildRollups, SQLITE_ROLLUPS } from '../service/store/run-rollups.js';
import type { RunQuery, Store } from '../service/store/store.js';
import { benchDashboard } from './webmin.js';

const RUNS = Number(process.env.QUICKJOBS_BENCH_RUNS ?? 1_000_000);
const JOBS = 200;
const DAY = 86_400_000;
/** The runs span this many days back from now, so 30 days hold a sixth of them. */
const SPAN_DAYS = 180;
const BATCH = 2000;
const MYSQL_URL = process.env.QUICKJOBS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(call: () => Promise<unknown>, rounds = 7): Promise<number> {
  await call(); // warm the cache and the statement
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Row i of the million: values in the column order of `COLUMNS`. */
const COLUMNS = ['job', '`trigger`', 'scheduled_at', 'queued_at', 'started_at', 'finished_at', 'wait_ms', 'duration_ms', 'result', 'outcome', 'error', 'logs', 'code_version', 'run_by'];
function row(i: number, now: number): Array<string | number | null> {
  const startedAt = now - SPAN_DAYS * DAY + Math.floor((i / RUNS) * SPAN_DAYS * DAY);
  const r = (i * 2654435761) % 1000;
  const outcome = r < 900 ? 'success' : r < 950 ? 'error' : r < 970 ? 'timeout' : r < 985 ? 'cancelled' : 'interrupted';
  const manual = r % 10 === 0;
  const duration = 20 + ((i * 7919) % 2000);
  return [
    `bench-${i % JOBS}`,
    manual ? 'manual' : 'schedule',
    manual ? null : startedAt - ((i * 31) % 300),
    startedAt - 1,
    startedAt,
    startedAt + duration,
    manual ? 1 : (i * 31) % 300,
    duration,
    outcome === 'success' ? 'OK' : null,
    outcome,
    outcome === 'success' ? null : '{"message":"bench"}',
    '[]',
    1,
    manual ? 'webmin' : null,
  ];
}

function job(name: string, now: number): Omit<Job, 'version'> {
  return { ...DEFAULT_SETTINGS, interval: 3600, ...NEW_JOB_STATE, nextRunAt: now + 3600_000, path: `${name}.js`, owner: 'user', sourceHash: null, createdAt: now, updatedAt: now, name };
}

const FILTERS: Array<[string, Omit<RunQuery, 'limit'>]> = [
  ['none', {}],
  ['job', { job: 'bench-7' }],
  ['outcome_error', { outcome: 'error' }],
  ['outcome_cancelled', { outcome: 'cancelled' }],
  ['trigger_manual', { trigger: 'manual' }],
  ['since_7d', { since: Date.now() - 7 * DAY }],
  ['until_90d_ago', { until: Date.now() - 90 * DAY }],
  ['since_until_1d', { since: Date.now() - 100 * DAY, until: Date.now() - 99 * DAY }],
  ['job_outcome', { job: 'bench-7', outcome: 'error' }],
  ['outcome_since', { outcome: 'timeout', since: Date.now() - 30 * DAY }],
  ['before_half', { before: Math.floor(RUNS / 2) }],
];

async function measure(store: Store, label: string): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const now = Date.now();
  for (const days of [7, 30]) {
    const since = now - days * DAY;
    figures[`${label}_stats_${days}d_ms`] = await timed(() =>
      store.runStats({ since, until: now, previousSince: since - days * DAY, dayOffsetHours: 0, failingLimit: 5 }),
    );
  }
  let worst = 0;
  for (const [name, filter] of FILTERS) {
    const ms = await timed(() => store.listRuns({ ...filter, limit: 50 }));
    figures[`${label}_runs_${name}_ms`] = ms;
    worst = Math.max(worst, ms);
  }
  figures[`${label}_runs_worst_filter_ms`] = worst;
  return figures;
}

async function sqliteFigures(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'quickjobs-console-bench-'));
  const file = join(dir, 'q.db');
  try {
    const now = Date.now();
    const store = SqliteStore.open({ file, runHistory: 1_000_000 });
    for (let j = 0; j < JOBS; j++) await store.createJob(job(`bench-${j}`, now), 'return 1');
    await store.close();
    const db = new Database(file);
    const insert = db.prepare(`INSERT INTO runs (${COLUMNS.join(', ')}) VALUES ${Array(BATCH).fill(`(${COLUMNS.map(() => '?').join(', ')})`).join(', ')}`);
    const started = performance.now();
    db.transaction(() => {
      for (let i = 0; i < RUNS; i += BATCH) insert.run(Array.from({ length: BATCH }, (_, k) => row(i + k, now)).flat());
    })();
    // Bulk rows bypass the finish path that keeps the rollups: build them as migration 7 does.
    for (const sql of rebuildRollups(SQLITE_ROLLUPS)) db.exec(sql);
    db.exec('ANALYZE');
    db.close();
    const loadSeconds = (performance.now() - started) / 1000;
    const reopened = SqliteStore.open({ file, runHistory: 1_000_000 });
    try {
      return { sqlite_load_s: loadSeconds, ...(await measure(reopened, 'sqlite')) };
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function mysqlFigures(): Promise<Record<string, number>> {
  const database = `quickjobs_bench_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(MYSQL_URL);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  try {
    const now = Date.now();
    const store = await MysqlStore.open({ url: url.toString(), runHistory: 1_000_000 });
    try {
      for (let j = 0; j < JOBS; j++) await store.createJob(job(`bench-${j}`, now), 'return 1');
      const connection = await mysql.createConnection(url.toString());
      const started = performance.now();
      for (let i = 0; i < RUNS; i += BATCH) {
        const rows = Array.from({ length: BATCH }, (_, k) => row(i + k, now));
        await connection.query(`INSERT INTO quickjobs_runs (${COLUMNS.join(', ')}) VALUES ?`, [rows]);
      }
      for (const sql of rebuildRollups(MYSQL_ROLLUPS)) await connection.query(sql);
      await connection.query('ANALYZE TABLE quickjobs_runs');
      await connection.end();
      const loadSeconds = (performance.now() - started) / 1000;
      return { mysql_load_s: loadSeconds, ...(await measure(store, 'mysql')) };
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  }
}

export async function benchConsole(): Promise<Record<string, number>> {
  return { runs_stored: RUNS, ...(await sqliteFigures()), ...(await mysqlFigures()), ...(await benchDashboard()) };
}

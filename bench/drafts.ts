/**
 * What a safe draft adds per helper call over the same call run live, from inside a job: for each
 * call, (run with N calls − run with none) / N in each mode, best of ROUNDS, and the difference.
 * A safe run holds one MySQL connection and transaction per database for the run, keeps its
 * core.data writes in a scratch layer and holds POSTs; a live run does each for real.
 *
 *   node --import tsx bench/drafts.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import mysql from 'mysql2/promise';

import { SandboxPool } from '../sandbox/pool.js';
import type { RunMode, RunRequest } from '../sandbox/types.js';
import { readHelperConfig } from '../service/helpers/config.js';
import { workerHostSpec } from '../service/helpers/worker-host.js';
import { SqliteStore } from '../service/store/sqlite-store.js';
import { startRecordingServer } from '../test/service/drafts/loopback-http.js';

const CALLS = 400;
const ROUNDS = 3;
const WARM_UP_CALLS = 1000;
const MYSQL_URL = process.env.QUICKJOBS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function request(code: string, mode: RunMode): RunRequest {
  return { jobName: 'bench', code, trigger: 'manual', lastRunAt: null, timeoutMs: 120_000, memoryBytes: 64 << 20, timeZone: 'UTC', logLimitBytes: 65_536, mode };
}

function loopJob(expression: string, calls: number): string {
  return `
    const job = core.job();
    job.run = async () => {
      for (let i = 0; i < ${calls}; i++) {
        const [, err] = await ${expression};
        if (err) throw new Error(err);
      }
      return job.OK;
    };
    return job;`;
}

async function timeRun(pool: SandboxPool, code: string, mode: RunMode): Promise<number> {
  const started = process.hrtime.bigint();
  const outcome = await pool.run(request(code, mode));
  if (outcome.outcome !== 'success') throw new Error(`bench job failed: ${outcome.error.message}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function perCall(pool: SandboxPool, expression: string, mode: RunMode): Promise<number> {
  await timeRun(pool, loopJob(expression, WARM_UP_CALLS), mode);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const empty = await timeRun(pool, loopJob(expression, 0), mode);
    const full = await timeRun(pool, loopJob(expression, CALLS), mode);
    best = Math.min(best, ((full - empty) * 1000) / CALLS);
  }
  return best;
}

async function compare(pool: SandboxPool, name: string, expression: string, out: Record<string, number>): Promise<void> {
  const live = await perCall(pool, expression, 'live');
  const safe = await perCall(pool, expression, 'safe');
  out[`${name} live (µs/call)`] = live;
  out[`${name} safe (µs/call)`] = safe;
  out[`${name} safe − live (µs)`] = safe - live;
}

export async function benchDrafts(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'qj-bench-drafts-'));
  const file = join(dir, 'store.db');
  const store = SqliteStore.open({ file, runHistory: 10 });
  const http = await startRecordingServer();
  const server = new URL(MYSQL_URL);
  const db = server.pathname.replace(/^\//, '') || 'test';
  server.pathname = '';
  const helpers = readHelperConfig({ QUICKJOBS_MYSQL_URL: server.href, QUICKJOBS_NETWORK_ALLOW: '127.0.0.1' });
  const pool = await SandboxPool.create({ workers: 1, host: workerHostSpec({ helpers, store: { kind: 'sqlite', file } }) });
  const table = `qj_bench_drafts_${process.pid}`;
  let admin: mysql.Connection | null = null;
  try {
    const out: Record<string, number> = {};
    const id = await store.dataSave('bench', { name: 'config', theme: 'dark', level: 3 });
    await compare(pool, 'data.get', `core.data('bench').get(${JSON.stringify(id)})`, out);
    await compare(pool, 'data.save', `core.data('bench').save({ _id: 'fixed', n: i })`, out);
    try {
      admin = await mysql.createConnection(MYSQL_URL);
    } catch {
      admin = null;
    }
    if (admin) {
      await admin.query(`CREATE TABLE IF NOT EXISTS \`${table}\` (id INT PRIMARY KEY, name VARCHAR(64), stock INT) ENGINE=InnoDB`);
      await admin.query(`INSERT INTO \`${table}\` VALUES (1, 'Red Bikes', 0), (2, 'blender', 4)`);
      await compare(pool, 'mysql.selectOne', `core.mysql.selectOne(${JSON.stringify(db)}, ${JSON.stringify({ tbl: table, where: { id: 2 } })})`, out);
      await compare(pool, 'mysql.update', `core.mysql.update(${JSON.stringify(db)}, { tbl: ${JSON.stringify(table)}, values: { stock: i }, where: { id: 1 } })`, out);
      await compare(pool, 'mysql.query (raw)', `core.mysql.query(${JSON.stringify(db)}, 'SELECT name FROM \`${table}\` WHERE id = ?', [2])`, out);
    }
    const live = await perCall(pool, `core.network.post('${http.origin}/x', 'body')`, 'live');
    const held = await perCall(pool, `core.network.post('${http.origin}/x', 'body')`, 'safe');
    out['network.post live to loopback (µs/call)'] = live;
    out['network.post held (µs/call)'] = held;
    return out;
  } finally {
    if (admin) {
      await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
      await admin.end();
    }
    await pool.dispose();
    await http.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, value] of Object.entries(await benchDrafts())) console.log(`${name.padEnd(44)} ${value.toFixed(3)}`);
}

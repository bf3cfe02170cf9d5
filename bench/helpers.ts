/**
 * What a `core.*` call costs from inside a job compared with the same call made directly from
 * Node in this process: a `core.mysql.selectOne` by primary key and a `core.data` get by id.
 *
 * The in-job cost is (run with N calls − run with no calls) / N, so worker start-up and the job
 * contract are not counted. "in a job" runs through a pool set up as the service sets it up, its
 * workers answering calls themselves. "direct" calls the same host handler from Node (the helper's
 * own cost); "driver" is mysql2 or the store alone (what the helper adds on top of its library).
 *
 *   node --import tsx bench/helpers.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import mysql from 'mysql2/promise';

import { SandboxPool } from '../sandbox/pool.js';
import type { HostCallContext, RunRequest } from '../sandbox/types.js';
import { readHelperConfig } from '../service/helpers/config.js';
import { createHelperHost } from '../service/helpers/index.js';
import { workerHostSpec } from '../service/helpers/worker-host.js';
import { SqliteStore } from '../service/store/sqlite-store.js';

const CALLS = 500;
const ROUNDS = 3;
/**
 * Calls made before timing, so each thread's JIT has compiled the helper's code path (a fresh
 * worker runs mysql2's result parsing at half speed for its first thousand or so calls).
 */
const WARM_UP_CALLS = 2000;
const MYSQL_URL = process.env.QUICKJOBS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function request(code: string): RunRequest {
  return {
    jobName: 'bench',
    code,
    trigger: 'manual',
    lastRunAt: null,
    timeoutMs: 60_000,
    memoryBytes: 64 << 20,
    timeZone: 'UTC',
    logLimitBytes: 65_536,
  };
}

/** A job that makes `calls` calls of `expression` and fails if any answers an error. */
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

async function timeRun(pool: SandboxPool, code: string): Promise<number> {
  const started = process.hrtime.bigint();
  const outcome = await pool.run(request(code));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (outcome.outcome !== 'success') throw new Error(`bench job failed: ${outcome.error.message}`);
  return ms;
}

/** Best of ROUNDS, in µs per call, of the job's loop minus an empty run. */
async function perCallInJob(pool: SandboxPool, expression: string): Promise<number> {
  await timeRun(pool, loopJob(expression, WARM_UP_CALLS));
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const empty = await timeRun(pool, loopJob(expression, 0));
    const full = await timeRun(pool, loopJob(expression, CALLS));
    best = Math.min(best, ((full - empty) * 1000) / CALLS);
  }
  return best;
}

/** Best of ROUNDS, in µs per call, of `call` awaited CALLS times in a row. */
async function perCallDirect(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) await call();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e3 / CALLS);
  }
  return best;
}

function figures(name: string, job: number, direct: number, driver: number): Record<string, number> {
  return {
    [`${name} in a job (µs/call)`]: job,
    [`${name} direct handler (µs/call)`]: direct,
    [`${name} driver alone (µs/call)`]: driver,
    [`${name} job / direct`]: job / direct,
    [`${name} job − direct (µs)`]: job - direct,
  };
}

async function mysqlAvailable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 1000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

export async function benchHelpers(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'qj-bench-helpers-'));
  const file = join(dir, 'store.db');
  const store = SqliteStore.open({ file, runHistory: 10 });
  const server = new URL(MYSQL_URL);
  const db = server.pathname.replace(/^\//, '') || 'test';
  server.pathname = '';
  const helpers = readHelperConfig({ QUICKJOBS_MYSQL_URL: server.href });
  const host = createHelperHost(helpers, { store });
  const pool = await SandboxPool.create({ workers: 1, host: workerHostSpec({ helpers, store: { kind: 'sqlite', file } }) });
  const context: HostCallContext = { jobName: 'bench', signal: new AbortController().signal };
  const table = `qj_bench_${process.pid}`;
  let admin: mysql.Connection | null = null;
  try {
    const out: Record<string, number> = {};

    const id = await store.dataSave('bench', { name: 'config', theme: 'dark', level: 3 });
    const dataCall = `core.data('bench').get(${JSON.stringify(id)})`;
    const dataJob = await perCallInJob(pool, dataCall);
    const dataDirect = await perCallDirect(() => host.call('data.get', ['bench', id], context));
    const dataDriver = await perCallDirect(() => store.dataGet('bench', id));
    Object.assign(out, figures('data.get', dataJob, dataDirect, dataDriver));

    if (await mysqlAvailable()) {
      admin = await mysql.createConnection(MYSQL_URL);
      await admin.query(`CREATE TABLE IF NOT EXISTS \`${table}\` (id INT PRIMARY KEY, name VARCHAR(64), stock INT)`);
      await admin.query(`INSERT INTO \`${table}\` VALUES (1, 'Red Bikes', 0), (2, 'blender', 4)`);
      const options = { tbl: table, where: { id: 2 } };
      const mysqlCall = `core.mysql.selectOne(${JSON.stringify(db)}, ${JSON.stringify(options)})`;
      const mysqlJob = await perCallInJob(pool, mysqlCall);
      const mysqlDirect = await perCallDirect(() => host.call('mysql.selectOne', [db, options], context));
      const driverPool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 4 });
      try {
        const mysqlDriver = await perCallDirect(() => driverPool.query(`SELECT * FROM \`${table}\` WHERE \`id\` = ? LIMIT 1`, [2]));
        Object.assign(out, figures('mysql.selectOne', mysqlJob, mysqlDirect, mysqlDriver));
      } finally {
        await driverPool.end();
      }
    }
    return out;
  } finally {
    if (admin) {
      await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
      await admin.end();
    }
    await pool.dispose();
    await host.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, value] of Object.entries(await benchHelpers())) {
    console.log(`${name.padEnd(44)} ${value.toFixed(3)}`);
  }
}

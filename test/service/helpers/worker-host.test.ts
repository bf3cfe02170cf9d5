import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { SandboxPool } from '../../../sandbox/pool.js';
import { workerHostSpec } from '../../../service/helpers/worker-host.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { helperConfig, TEST_DATABASE, uniqueName } from './fixtures.js';
import { logText, resultOf } from './sandbox-fixture.js';

const mysqlSkip = await gate('mysql', probeMysql);

describe('the job helpers answering inside the sandbox workers (as the service runs them)', () => {
  let dir: string;
  let store: SqliteStore;
  let pool: SandboxPool;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qj-worker-host-'));
    const file = join(dir, 'store.db');
    store = SqliteStore.open({ file, runHistory: 10 });
    pool = await SandboxPool.create({
      workers: 2,
      host: workerHostSpec({ helpers: helperConfig(), store: { kind: 'sqlite', file } }),
    });
  });

  after(async () => {
    await pool?.dispose();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(code: string) {
    return pool.run({ jobName: 't', code, trigger: 'manual', lastRunAt: null, timeoutMs: 10_000, memoryBytes: 64 << 20, timeZone: 'UTC', logLimitBytes: 65_536 });
  }

  it('is given plain data, which crosses into each thread unchanged', () => {
    const helpers = helperConfig({ QUICKJOBS_NETWORK_ALLOW: 'example.com,10.0.0.0/8,::1' });
    assert.deepEqual(structuredClone(helpers), helpers);
  });

  it('shares the SQLite store with the main thread through its own connection', async () => {
    const saved = await store.dataSave('shared', { name: 'from-main', n: 1 });
    const outcome = await run(`
      const job = core.job();
      job.run = async () => {
        const box = core.data('shared');
        const [found, getErr] = await box.get(${JSON.stringify(saved)});
        if (getErr) throw new Error(getErr);
        const [id, saveErr] = await box.save({ name: 'from-job', seen: found.name });
        if (saveErr) throw new Error(saveErr);
        core.log(id);
        return job.OK;
      };
      return job;`);
    assert.equal(resultOf(outcome), 'OK');
    const id = outcome.logs[0]?.message ?? '';
    const row = await store.dataGet('shared', id);
    assert.equal(row?.name, 'from-job');
    assert.equal(row?.seen, 'from-main');
  });

  it('queries MySQL from the worker', { skip: mysqlSkip }, async () => {
    const table = uniqueName('qj_wh');
    const admin = await mysql.createConnection(MYSQL_URL);
    try {
      await admin.query(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, name VARCHAR(64))`);
      await admin.query(`INSERT INTO \`${table}\` VALUES (1, 'one'), (2, 'two')`);
      const outcome = await run(`
        const job = core.job();
        job.run = async () => {
          const [row, err] = await core.mysql.selectOne(${JSON.stringify(TEST_DATABASE)}, { tbl: ${JSON.stringify(table)}, where: { id: 2 } });
          if (err) throw new Error(err);
          core.log(row.name);
          return job.OK;
        };
        return job;`);
      assert.equal(resultOf(outcome), 'OK');
      assert.equal(logText(outcome), 'info: two');
    } finally {
      await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
      await admin.end();
    }
  });
});

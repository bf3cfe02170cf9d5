/**
 * Runs recorded before runs told their times apart come through the migration as what they were:
 * their old start becomes their queueing and their start, their wait their lateness behind the
 * slot (0 off schedule), and a run left in flight keeps no start. Both stores.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

import { MYSQL_MIGRATIONS, migrateMysql } from '../../../service/store/mysql/migrations.js';
import { createStorePool } from '../../../service/store/mysql/pool.js';
import { parseMysqlUrl } from '../../../service/store/mysql/target.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { migrate, MIGRATIONS } from '../../../service/store/sqlite/migrations.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import type { Store } from '../../../service/store/store.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';

const skipMysql = await gate('mysql', probeMysql);
const T0 = Date.UTC(2026, 0, 15, 12);
const BEFORE_RUN_TIMES = 2;

/** Old rows: a scheduled run 40 ms late, a manual run, and one in flight when the process died. */
const OLD_RUNS: Array<[trigger: string, scheduledAt: number | null, startedAt: number, outcome: string, finishedAt: number | null]> = [
  ['schedule', T0, T0 + 40, 'success', T0 + 90],
  ['manual', null, T0 + 1000, 'error', T0 + 1010],
  ['schedule', T0 + 2000, T0 + 2005, 'running', null],
];

async function checkMigrated(store: Store): Promise<void> {
  const [inFlight, manual, late] = await store.listRuns({ job: 'old', limit: 10 });
  assert.deepEqual(
    { queuedAt: late?.queuedAt, startedAt: late?.startedAt, waitMs: late?.waitMs },
    { queuedAt: T0 + 40, startedAt: T0 + 40, waitMs: 40 },
  );
  assert.deepEqual(
    { queuedAt: manual?.queuedAt, startedAt: manual?.startedAt, waitMs: manual?.waitMs },
    { queuedAt: T0 + 1000, startedAt: T0 + 1000, waitMs: 0 },
  );
  assert.deepEqual(
    { queuedAt: inFlight?.queuedAt, startedAt: inFlight?.startedAt, waitMs: inFlight?.waitMs, outcome: inFlight?.outcome },
    { queuedAt: T0 + 2005, startedAt: null, waitMs: null, outcome: 'running' },
  );
  assert.equal(await store.interruptRunning(T0 + 5000, 'the service stopped'), 1);
  const interrupted = await store.getRun(inFlight!.id);
  assert.equal(interrupted?.outcome, 'interrupted');
  assert.equal(interrupted?.startedAt, null);
}

describe('the run-times migration', () => {
  it('gives SQLite runs their queueing, start and wait', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qj-run-times-'));
    try {
      const file = join(dir, 'store.db');
      const db = new Database(file);
      migrate(db, MIGRATIONS.slice(0, BEFORE_RUN_TIMES));
      db.prepare(
        `INSERT INTO jobs (name, description, interval, cron, timezone, run_once, active, timeout, missed, on_error, notify,
           status, next_run_at, last_run_at, last_scheduled_at, last_result, last_error, failing, path, version, owner,
           source_hash, created_at, updated_at)
         VALUES ('old', '', 60, NULL, NULL, 0, 1, 30, 'once', 'stop', NULL, 'ok', NULL, NULL, NULL, NULL, NULL, 0, '', 1, 'api', NULL, 0, 0)`,
      ).run();
      const insert = db.prepare(
        `INSERT INTO runs (job, trigger, scheduled_at, started_at, finished_at, outcome, logs) VALUES ('old', ?, ?, ?, ?, ?, '[]')`,
      );
      for (const [trigger, scheduledAt, startedAt, outcome, finishedAt] of OLD_RUNS) insert.run(trigger, scheduledAt, startedAt, finishedAt, outcome);
      db.close();
      const store = SqliteStore.open({ file, runHistory: 10 });
      try {
        await checkMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on MySQL', { skip: skipMysql }, () => {
    let admin: mysql.Connection;
    const database = `quickjobs_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;

    before(async () => {
      const server = new URL(MYSQL_URL);
      server.pathname = '/';
      admin = await mysql.createConnection(server.toString());
      await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    });
    after(async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    });

    it('gives MySQL runs their queueing, start and wait, and runs again harmlessly', async () => {
      const pool = createStorePool(parseMysqlUrl(url.toString()), 10_000);
      try {
        await migrateMysql(pool, database, MYSQL_MIGRATIONS.slice(0, BEFORE_RUN_TIMES));
        await pool.query(
          `INSERT INTO quickjobs_jobs (name, description, \`interval\`, run_once, active, timeout, missed, on_error, status,
             failing, path, version, owner, created_at, updated_at)
           VALUES ('old', '', 60, 0, 1, 30, 'once', 'stop', 'ok', 0, '', 1, 'api', 0, 0)`,
        );
        for (const [trigger, scheduledAt, startedAt, outcome, finishedAt] of OLD_RUNS) {
          await pool.query(
            "INSERT INTO quickjobs_runs (job, `trigger`, scheduled_at, started_at, finished_at, outcome, logs) VALUES ('old', ?, ?, ?, ?, ?, '[]')",
            [trigger, scheduledAt, startedAt, finishedAt, outcome],
          );
        }
        await migrateMysql(pool, database);
        // A node that died after the ALTER but before recording the step does it again.
        await pool.query('DELETE FROM quickjobs_schema WHERE version > ?', [BEFORE_RUN_TIMES]);
        await migrateMysql(pool, database);
      } finally {
        await pool.end();
      }
      const store = await MysqlStore.open({ url: url.toString(), runHistory: 10 });
      try {
        await checkMigrated(store);
      } finally {
        await store.close();
      }
    });
  });
});

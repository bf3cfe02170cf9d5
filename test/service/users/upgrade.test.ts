/**
 * Upgrading a store that had one webmin password (SPEC §14): the password becomes user `admin`'s,
 * sessions opened before stay open as admin's, and the service starts without generating a new
 * one. Both stores.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import Database from 'better-sqlite3';

import { ensureAdminPassword } from '../../../service/auth/admin-password.js';
import { hashPassword, verifyPassword } from '../../../service/auth/password.js';
import { createService, readConfig } from '../../../service/main.js';
import { createStorePool } from '../../../service/store/mysql/pool.js';
import { MYSQL_MIGRATIONS, migrateMysql } from '../../../service/store/mysql/migrations.js';
import { parseMysqlUrl } from '../../../service/store/mysql/target.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { migrate, MIGRATIONS } from '../../../service/store/sqlite/migrations.js';
import type { Store } from '../../../service/store/store.js';
import { createTestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';

const skipMysql = await gate('mysql', probeMysql);
const OLD_PASSWORD = 'the-one-old-password';
const LATER = Date.now() + 3_600_000;

/** The schema step that brought users (found by name, so renumbering the steps cannot break this). */
function usersStep(steps: ReadonlyArray<{ version: number; description: string }>): number {
  return steps.find((step) => step.description.startsWith('users, roles'))!.version;
}

async function checkUpgraded(store: Store): Promise<void> {
  assert.equal(await ensureAdminPassword(store, null), null, 'a new password was generated over the old one');
  const admin = await store.getUser('admin');
  assert.equal(admin?.role, 'admin');
  assert.equal(await verifyPassword(OLD_PASSWORD, admin!.passwordHash), true);
  assert.deepEqual(await store.getSession('old-session', Date.now()), { expiresAt: LATER, user: 'admin' });
}

describe('upgrading from one password', () => {
  it('keeps the SQLite password working as user admin, through the service', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'qj-upgrade-'));
    try {
      await mkdir(join(dataDir, 'jobs'));
      const db = new Database(join(dataDir, 'quickjobs.db'));
      migrate(db, MIGRATIONS.filter((step) => step.version < usersStep(MIGRATIONS)));
      db.prepare("INSERT INTO settings (key, value) VALUES ('admin_password_hash', ?)").run(await hashPassword(OLD_PASSWORD));
      db.prepare("INSERT INTO sessions (id, expires_at) VALUES ('old-session', ?)").run(LATER);
      db.close();
      const printed: string[] = [];
      const config = readConfig({ QUICKJOBS_DATA_DIR: dataDir, QUICKJOBS_JOBS_DIR: join(dataDir, 'jobs'), QUICKJOBS_WORKERS: '1', QUICKJOBS_LOG_LEVEL: 'silent' });
      const service = await createService(config, { print: (line) => printed.push(line) });
      try {
        assert.deepEqual(printed.filter((line) => /generated/.test(line)), []);
        await checkUpgraded(service.store);
        const login = await service.app.request('/api/v1/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'http://localhost' },
          body: JSON.stringify({ password: OLD_PASSWORD }),
        });
        assert.equal(login.status, 200);
        assert.deepEqual(((await login.json()) as { user: unknown }).user, { name: 'admin', role: 'admin' });
      } finally {
        await service.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the MySQL password working as user admin', { skip: skipMysql }, async () => {
    const database = await createTestDatabase();
    try {
      const pool = createStorePool(parseMysqlUrl(database.url()), 10_000);
      try {
        await migrateMysql(pool, database.name, MYSQL_MIGRATIONS.filter((step) => step.version < usersStep(MYSQL_MIGRATIONS)));
        await pool.query("INSERT INTO quickjobs_settings (name, value) VALUES ('admin_password_hash', ?)", [await hashPassword(OLD_PASSWORD)]);
        await pool.query("INSERT INTO quickjobs_sessions (id, expires_at) VALUES ('old-session', ?)", [LATER]);
      } finally {
        await pool.end();
      }
      const store = await MysqlStore.open({ url: database.url(), runHistory: 10 });
      try {
        await checkUpgraded(store);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
});

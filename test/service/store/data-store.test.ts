/**
 * The data-only store each sandbox worker opens for `core.data`: it shares the service store's
 * tables, and it never migrates: a worker that finds no schema fails to open rather than create one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

import type { StoreConfig } from '../../../service/config.js';
import { openDataStore } from '../../../service/store/data-store.js';
import { StoreError } from '../../../service/store/errors.js';
import { openStore } from '../../../service/store/open-store.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';

/** Data written by the full store is read, paged and deleted by the data store, and back again. */
async function sharesTheDataTable(config: StoreConfig): Promise<void> {
  const store = await openStore(config, 10);
  const data = await openDataStore(config);
  try {
    const id = await store.dataSave('shared', { name: 'from-store', n: 1 });
    assert.deepEqual(await data.dataGet('shared', id), { _id: id, name: 'from-store', n: 1 });
    const other = await data.dataSave('shared', { name: 'from-data', n: 2 });
    assert.deepEqual(await store.dataGet('shared', { name: 'from-data' }), { _id: other, name: 'from-data', n: 2 });
    const page = await data.dataPage('shared', { page: 1, perPage: 10, sort: { field: 'n', order: 'desc' } });
    assert.deepEqual(page.map((object) => object.name), ['from-data', 'from-store']);
    assert.equal(await data.dataDelete('shared', id), true);
    assert.equal(await store.dataGet('shared', id), null);
  } finally {
    await data.close();
    await store.close();
  }
}

describe('the data store of a worker, on SQLite', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qj-data-store-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shares the data table with the service store', async () => {
    await sharesTheDataTable({ kind: 'sqlite', file: join(dir, 'shared.db') });
  });

  it('runs no migration: on a file without the schema it fails to open and creates no table', async () => {
    const file = join(dir, 'empty.db');
    await assert.rejects(openDataStore({ kind: 'sqlite', file }), StoreError);
    assert.equal(existsSync(file), true);
    const db = new Database(file, { readonly: true });
    try {
      assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), []);
      assert.equal(db.pragma('user_version', { simple: true }), 0);
    } finally {
      db.close();
    }
  });
});

const skip = await gate('mysql', probeMysql);

describe('the data store of a worker, on MySQL', { skip }, () => {
  let admin: mysql.Connection | undefined;
  const database = `quickjobs_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(MYSQL_URL);
  before(async () => {
    const server = new URL(MYSQL_URL);
    server.pathname = '/';
    admin = await mysql.createConnection(server.toString());
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    url.pathname = `/${database}`;
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.end();
  });

  it('runs no migration: on a database without the schema a call fails and creates no table', async () => {
    const data = await openDataStore({ kind: 'mysql', url: url.toString() });
    try {
      await assert.rejects(data.dataGet('shared', 'x'), StoreError);
    } finally {
      await data.close();
    }
    const [tables] = await admin!.query(`SHOW TABLES FROM \`${database}\``);
    assert.deepEqual(tables, []);
  });

  it('shares the data table with the service store', async () => {
    await sharesTheDataTable({ kind: 'mysql', url: url.toString() });
  });
});

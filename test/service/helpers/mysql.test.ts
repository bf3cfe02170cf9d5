import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { createHelperHost, type HelperHost } from '../../../service/helpers/index.js';
import type { Store } from '../../../service/store/store.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { closedPort, context, helperConfig, TEST_DATABASE, uniqueName } from './fixtures.js';

const skip = await gate('mysql', probeMysql);
// The mysql helpers never touch the store.
const noStore = {} as Store;

describe('core.mysql against MariaDB', { skip }, () => {
  const table = uniqueName('qj_toys');
  const db = TEST_DATABASE;
  let admin: mysql.Connection;
  let host: HelperHost;

  before(async () => {
    admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(
      `CREATE TABLE \`${table}\` (id INT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(64), stock INT, out_of_stock BOOLEAN DEFAULT FALSE, note VARCHAR(255) NULL, added DATETIME NULL)`,
    );
    host = createHelperHost(helperConfig({ QUICKJOBS_MYSQL_DATABASES: db }), { store: noStore });
  });

  after(async () => {
    await host?.close();
    await admin?.query(`DROP TABLE IF EXISTS \`${table}\``);
    await admin?.end();
  });

  it('inserts rows and answers their ids', async () => {
    const [id1, err] = await host.call('mysql.insert', [db, { tbl: table, values: { type: 'Red Bikes', stock: 0 } }], context());
    assert.equal(err, null);
    const [id2] = await host.call('mysql.insert', [db, { tbl: table, values: { type: 'blender', stock: 4, added: '2026-01-02 03:04:05' } }], context());
    assert.equal(typeof id1, 'number');
    assert.equal(id2, (id1 as number) + 1);
  });

  it('selects rows as plain JSON, dates as MySQL writes them', async () => {
    const [rows] = await host.call('mysql.select', [db, { tbl: table, columns: ['type', 'stock', 'added'], orderby: { id: 'asc' } }], context());
    assert.deepEqual(rows, [
      { type: 'Red Bikes', stock: 0, added: null },
      { type: 'blender', stock: 4, added: '2026-01-02 03:04:05' },
    ]);
    const [none] = await host.call('mysql.select', [db, { tbl: table, where: { type: 'nothing' } }], context());
    assert.deepEqual(none, []);
  });

  it('selects one row or null, and counts', async () => {
    const [row] = await host.call('mysql.selectOne', [db, { tbl: table, where: { type: 'blender' }, columns: ['stock'] }], context());
    assert.deepEqual(row, { stock: 4 });
    assert.deepEqual(await host.call('mysql.selectOne', [db, { tbl: table, where: { type: 'none' } }], context()), [null, null, null]);
    assert.deepEqual(await host.call('mysql.selectCount', [db, { tbl: table }], context()), [2, null, null]);
    assert.deepEqual(await host.call('mysql.selectCount', [db, { tbl: table, where: { stock: [0, 1] } }], context()), [1, null, null]);
  });

  it('updates and answers the affected rows', async () => {
    const [n] = await host.call('mysql.update', [db, { tbl: table, values: { out_of_stock: true }, where: { stock: 0 } }], context());
    assert.equal(n, 1);
    const [row] = await host.call('mysql.selectOne', [db, { tbl: table, where: { type: 'Red Bikes' } }], context());
    assert.equal((row as { out_of_stock: number }).out_of_stock, 1);
  });

  it('stores an injection attempt as a plain value', async () => {
    const evil = `x'); DROP TABLE \`${table}\`; -- `;
    const [id] = await host.call('mysql.insert', [db, { tbl: table, values: { type: evil } }], context());
    const [row] = await host.call('mysql.selectOne', [db, { tbl: table, where: { id } }], context());
    assert.equal((row as { type: string }).type, evil);
    const [count] = await host.call('mysql.query', [db, `SELECT COUNT(*) AS n FROM \`${table}\` WHERE type = ?`, ["' OR '1'='1"]], context());
    assert.deepEqual(count, [{ n: 0 }]);
  });

  it('answers query results by statement kind', async () => {
    const [rows] = await host.call('mysql.query', [db, `SELECT type FROM \`${table}\` WHERE stock = ?`, [4]], context());
    assert.deepEqual(rows, [{ type: 'blender' }]);
    const [id] = await host.call('mysql.query', [db, `INSERT INTO \`${table}\` (type, stock) VALUES (?, ?)`, ['car', 9]], context());
    assert.equal(typeof id, 'number');
    assert.deepEqual(await host.call('mysql.query', [db, `UPDATE \`${table}\` SET stock = stock + 1 WHERE type IN (?)`, [['car', 'blender']]], context()), [2, null, null]);
    assert.deepEqual(await host.call('mysql.query', [db, `DELETE FROM \`${table}\` WHERE type = ?`, ['car']], context()), [1, null, null]);
  });

  it('deletes only with a where, or with force', async () => {
    const [, err, code] = await host.call('mysql.delete', [db, { tbl: table }], context());
    assert.equal(code, 804);
    assert.match(err!, /force/);
    assert.deepEqual(await host.call('mysql.delete', [db, { tbl: table, where: { type: 'blender' } }], context()), [1, null, null]);
    const [n] = await host.call('mysql.delete', [db, { tbl: table, force: true }], context());
    assert.equal(n, 2);
  });

  it('answers 902 with the server message for bad SQL and unknown tables', async () => {
    const [, err, code] = await host.call('mysql.query', [db, 'SELEKT 1'], context());
    assert.equal(code, 902);
    assert.match(err!, /SQL syntax/);
    const [, err2, code2] = await host.call('mysql.select', [db, { tbl: 'qj_no_such_table' }], context());
    assert.equal(code2, 902);
    assert.match(err2!, /doesn't exist/);
  });

  it('refuses two statements in one query', async () => {
    const [, , code] = await host.call('mysql.query', [db, `SELECT 1; DROP TABLE \`${table}\``], context());
    assert.equal(code, 902);
    const [count] = await host.call('mysql.selectCount', [db, { tbl: table }], context());
    assert.equal(count, 0);
  });

  it('answers 901 for a database outside QUICKJOBS_MYSQL_DATABASES', async () => {
    const [result, err, code] = await host.call('mysql.select', ['mysql', { tbl: 'user' }], context());
    assert.deepEqual([result, code], [null, 901]);
    assert.match(err!, /"mysql" is not allowed/);
  });

  it('answers 801 and 804 for wrong and missing arguments', async () => {
    assert.equal((await host.call('mysql.select', [42, { tbl: table }], context()))[2], 801);
    assert.equal((await host.call('mysql.select', [], context()))[2], 804);
    assert.equal((await host.call('mysql.select', [db], context()))[2], 804);
    assert.equal((await host.call('mysql.select', [db, 'toys'], context()))[2], 801);
    assert.equal((await host.call('mysql.query', [db], context()))[2], 804);
    assert.equal((await host.call('mysql.query', [db, 'SELECT ?', 'x'], context()))[2], 801);
    assert.equal((await host.call('mysql.query', [db, 'SELECT ?', [{ a: 1 }]], context()))[2], 801);
    assert.equal((await host.call('mysql.insert', [db, { tbl: table, values: { a: { b: 1 } } }], context()))[2], 801);
    assert.equal((await host.call('mysql.insert', [db, { tbl: table }], context()))[2], 804);
    assert.equal((await host.call('mysql.selectOne', [db, { tbl: table }], context()))[2], 804);
  });

  it('ends a statement that outlives QUICKJOBS_MYSQL_TIMEOUT with 902', async () => {
    const quick = createHelperHost(helperConfig({ QUICKJOBS_MYSQL_TIMEOUT: '0.3' }), { store: noStore });
    try {
      const started = Date.now();
      const [, err, code] = await quick.call('mysql.query', [db, 'SELECT SLEEP(5)'], context());
      assert.equal(code, 902);
      assert.match(err!, /timeout|time/i);
      assert.ok(Date.now() - started < 4000);
    } finally {
      await quick.close();
    }
  });

  it('answers 902 when the run ends while a statement waits', async () => {
    const controller = new AbortController();
    const pending = host.call('mysql.query', [db, 'SELECT SLEEP(3)'], context(controller.signal));
    setTimeout(() => controller.abort(), 50);
    const [, err, code] = await pending;
    assert.equal(code, 902);
    assert.match(err!, /run ended/);
  });
});

describe('core.mysql when the server cannot be used', { skip }, () => {
  it('answers 902 for an unknown database', async () => {
    const host = createHelperHost(helperConfig(), { store: noStore });
    try {
      const [, err, code] = await host.call('mysql.query', ['qj_no_such_database', 'SELECT 1'], context());
      assert.equal(code, 902);
      assert.match(err!, /Unknown database/);
    } finally {
      await host.close();
    }
  });

  it('answers 902 for a wrong password', async () => {
    const url = new URL(MYSQL_URL);
    url.password = 'definitely-wrong';
    url.pathname = '';
    const host = createHelperHost(helperConfig({ QUICKJOBS_MYSQL_URL: url.href }), { store: noStore });
    try {
      const [, err, code] = await host.call('mysql.query', [TEST_DATABASE, 'SELECT 1'], context());
      assert.equal(code, 902);
      assert.match(err!, /Access denied/);
    } finally {
      await host.close();
    }
  });

  it('answers 902 when the connection is refused', async () => {
    const port = await closedPort();
    const host = createHelperHost(helperConfig({ QUICKJOBS_MYSQL_URL: `mysql://root@127.0.0.1:${port}` }), { store: noStore });
    try {
      const [, err, code] = await host.call('mysql.query', [TEST_DATABASE, 'SELECT 1'], context());
      assert.equal(code, 902);
      assert.match(err!, /ECONNREFUSED/);
    } finally {
      await host.close();
    }
  });

  it('answers 902 within the timeout when the server never speaks', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const host = createHelperHost(
      helperConfig({ QUICKJOBS_MYSQL_URL: `mysql://root@127.0.0.1:${port}`, QUICKJOBS_MYSQL_TIMEOUT: '0.3' }),
      { store: noStore },
    );
    try {
      const [, , code] = await host.call('mysql.query', [TEST_DATABASE, 'SELECT 1'], context());
      assert.equal(code, 902);
    } finally {
      await host.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('answers 902 when MySQL is not configured', async () => {
    const host = createHelperHost(helperConfig({ QUICKJOBS_MYSQL_URL: '' }), { store: noStore });
    const [, err, code] = await host.call('mysql.query', [TEST_DATABASE, 'SELECT 1'], context());
    assert.equal(code, 902);
    assert.match(err!, /QUICKJOBS_MYSQL_URL/);
    await host.close();
  });
});

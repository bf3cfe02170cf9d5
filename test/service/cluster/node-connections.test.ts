/**
 * A node that stops mid-transaction keeps its locks until it wakes; the node that finds it dead
 * ends its connections, on the real MariaDB, and what waited on those locks goes on at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Pool, PoolConnection } from 'mysql2/promise';

import { SandboxPool } from '../../../sandbox/pool.js';
import { endConnections, nameConnections } from '../../../service/cluster/node-connections.js';
import { workerHostSpec } from '../../../service/helpers/worker-host.js';
import { createStorePool } from '../../../service/store/mysql/pool.js';
import { parseMysqlUrl } from '../../../service/store/mysql/target.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { helperConfig } from '../helpers/fixtures.js';
import { resultOf, runJob } from '../helpers/sandbox-fixture.js';

const skip = await gate('mysql', probeMysql);

describe('the connections of a node', { skip, timeout: 60_000 }, () => {
  let database: TestDatabase;
  let stalled: Pool;
  let live: Pool;

  before(async () => {
    database = await createTestDatabase();
    // Opening the store applies the migrations.
    await (await MysqlStore.open({ url: database.url(), runHistory: 100 })).close();
    stalled = createStorePool(parseMysqlUrl(database.url()), 5_000);
    live = createStorePool(parseMysqlUrl(database.url()), 5_000);
    await live.query('CREATE TABLE shared_row (id INT PRIMARY KEY, n INT NOT NULL)');
    await live.query('INSERT INTO shared_row VALUES (1, 0)');
  });
  after(async () => {
    await stalled?.end().catch(() => undefined);
    await live?.end();
    await database?.drop();
  });

  it('ends the connections of a node stopped mid-transaction, so the rows it locked are free', async () => {
    nameConnections(stalled, 'stalled');
    nameConnections(live, 'live');
    // The stalled node's transaction locks the row and goes no further (as if its process stopped).
    const held: PoolConnection = await stalled.getConnection();
    await held.beginTransaction();
    await held.query('UPDATE shared_row SET n = n + 1 WHERE id = 1');
    const [named] = (await live.query('SELECT node, COUNT(*) AS n FROM quickjobs_node_connections GROUP BY node ORDER BY node')) as unknown as [Array<{ node: string; n: number }>];
    assert.deepEqual(named.map((row) => row.node), ['live', 'stalled']);

    const waiting = performance.now();
    const blocked = live.query('UPDATE shared_row SET n = n + 10 WHERE id = 1');
    // Still waiting on the lock after a while: nothing but ending the holder frees it.
    const early = await Promise.race([blocked.then(() => 'done'), new Promise((resolve) => setTimeout(resolve, 500, 'waiting'))]);
    assert.equal(early, 'waiting');
    assert.equal(await endConnections(live, 'stalled'), 1);
    await blocked;
    const waitedMs = performance.now() - waiting;
    assert.ok(waitedMs < 3_000, `the update waited ${Math.round(waitedMs)} ms`);
    // The stalled node's change was rolled back with its connection; the live one's went through.
    const [[row]] = (await live.query('SELECT n FROM shared_row WHERE id = 1')) as unknown as [Array<{ n: number }>];
    assert.equal(row!.n, 10);
    await assert.rejects(held.query('SELECT 1'));
    held.release();
    // Its names are gone; the live node's stay, and its connections were not touched.
    const [left] = (await live.query('SELECT DISTINCT node FROM quickjobs_node_connections')) as unknown as [Array<{ node: string }>];
    assert.deepEqual(left.map((r) => r.node), ['live']);
    assert.equal(await endConnections(live, 'nobody'), 0);
  });

  it('names the connections of the sandbox threads\' core.data too, so a node found dead loses those as well', async () => {
    const threads = await SandboxPool.create({
      workers: 1,
      host: workerHostSpec({ helpers: helperConfig(), store: { kind: 'mysql', url: database.url() }, node: 'worker-node' }),
    });
    try {
      const save = (n: number) =>
        runJob(threads, `const job = core.job();\njob.run = async () => { const [, err] = await core.data('things').save({ n: ${n} }); if (err) throw new Error(err.message); return job.OK; };\nreturn job;\n`);
      assert.equal(resultOf(await save(1)), 'OK');
      // The thread's connection carries the node's name, and it is the one that wrote.
      const threadConnections = async () =>
        ((await live.query(
          `SELECT c.conn_id AS id FROM quickjobs_node_connections c JOIN information_schema.PROCESSLIST p ON p.ID = c.conn_id AND p.HOST = c.host
           WHERE c.node = 'worker-node' AND p.DB = ?`,
          [database.name],
        )) as unknown as [Array<{ id: number }>])[0].map((row) => Number(row.id));
      const named = await threadConnections();
      assert.ok(named.length >= 1, 'the thread\'s connection is named as the node\'s');
      // The node found dead: its thread's connections end with the rest.
      assert.equal(await endConnections(live, 'worker-node'), named.length);
      assert.deepEqual(await threadConnections(), []);
      // The node, if it wakes, goes on: its thread connects again, named again.
      assert.equal(resultOf(await save(2)), 'OK');
      const [[count]] = (await live.query('SELECT COUNT(*) AS n FROM quickjobs_data')) as unknown as [Array<{ n: number }>];
      assert.equal(Number(count!.n), 2);
      assert.equal((await threadConnections()).length >= 1, true);
    } finally {
      await threads.dispose();
    }
  });
});

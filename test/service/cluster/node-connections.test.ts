/**
 * A node that stops mid-transaction keeps its locks until it wakes; the node that finds it dead
 * ends its connections, on the real MariaDB, and what waited on those locks goes on at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Pool, PoolConnection } from 'mysql2/promise';

import { endConnections, nameConnections } from '../../../service/cluster/node-connections.js';
import { createStorePool } from '../../../service/store/mysql/pool.js';
import { parseMysqlUrl } from '../../../service/store/mysql/target.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';

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
});

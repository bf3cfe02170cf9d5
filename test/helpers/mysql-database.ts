/**
 * Test databases on the shared test server, uniquely named so no two runs ever see each other's
 * tables, and dropped when their tests are done.
 *
 * createTestDatabase gives an empty one, for tests that migrate it themselves. A suite whose tests
 * each want a freshly migrated store takes createMigratedTestDatabase once per file and calls
 * reset() before each test: migrating a new database costs seconds on a loaded machine, emptying
 * the tables of one a fraction of that.
 */
import { randomBytes } from 'node:crypto';

import mysql from 'mysql2/promise';

import { MysqlStore } from '../../service/store/mysql-store.js';
import { MYSQL_URL } from './require-service.js';

export interface TestDatabase {
  name: string;
  /** The store URL of this database, through `port` (a proxy) when given. */
  url(port?: number): string;
  drop(): Promise<void>;
}

export interface MigratedTestDatabase extends TestDatabase {
  /**
   * Puts every table back as the migrations left it: the rows they wrote, nothing else, and
   * AUTO_INCREMENT counters from 1. The schema itself is not touched, so a test that changes it
   * takes a database of its own.
   */
  reset(): Promise<void>;
}

function serverUrl(): string {
  const server = new URL(MYSQL_URL);
  server.pathname = '/';
  return server.toString();
}

function databaseUrl(name: string, port?: number): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

async function withServer<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(serverUrl());
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `quickjobs_test_${randomBytes(6).toString('hex')}`;
  await withServer((admin) => admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  return {
    name,
    url: (port) => databaseUrl(name, port),
    drop: () => withServer((admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``)).then(() => undefined),
  };
}

/**
 * A test database migrated by the store itself, with a sibling database `<name>_seed` keeping a
 * copy of each table the migrations wrote rows into, for reset().
 */
export async function createMigratedTestDatabase(): Promise<MigratedTestDatabase> {
  const admin = await mysql.createConnection({ uri: serverUrl(), multipleStatements: true });
  // MySQL 8 caches information_schema's AUTO_INCREMENT for a day unless told not to; MariaDB reads
  // it live and has no such variable.
  await admin.query('SET SESSION information_schema_stats_expiry = 0').catch(() => undefined);
  const database = await createTestDatabase().catch(async (error: unknown) => {
    await admin.end();
    throw error;
  });
  const seed = `${database.name}_seed`;
  const quote = (table: string) => `\`${database.name}\`.\`${table}\``;
  let tables: string[] = [];
  const seeded = new Set<string>();
  try {
    await (await MysqlStore.open({ url: database.url(), runHistory: 1 })).close();
    const [rows] = await admin.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_name <> 'quickjobs_schema'`,
      [database.name],
    );
    tables = (rows as Array<{ name: string }>).map((row) => row.name);
    await admin.query(`CREATE DATABASE \`${seed}\` CHARACTER SET utf8mb4`);
    for (const table of tables) {
      const [[count]] = (await admin.query(`SELECT COUNT(*) AS n FROM ${quote(table)}`)) as unknown as [[{ n: number }]];
      if (Number(count.n) === 0) continue;
      await admin.query(`CREATE TABLE \`${seed}\`.\`${table}\` AS SELECT * FROM ${quote(table)}`);
      seeded.add(table);
    }
  } catch (error) {
    await admin.end();
    await database.drop();
    await withServer((server) => server.query(`DROP DATABASE IF EXISTS \`${seed}\``));
    throw error;
  }
  // Which tables a test wrote to, in one round trip: a TRUNCATE is DDL and costs tens of
  // milliseconds, so the tables a test left alone are not touched.
  const written = tables.map((table) => `SELECT '${table}' AS name FROM DUAL WHERE EXISTS (SELECT 1 FROM ${quote(table)})`).join(' UNION ALL ');
  const counted = `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${database.name}' AND auto_increment > 1`;
  return {
    ...database,
    async reset() {
      const [[used, advanced]] = (await admin.query(`${written};\n${counted}`)) as unknown as [[Array<{ name: string }>, Array<{ name: string }>]];
      const restart = new Set(advanced.map((row) => row.name));
      const clear = new Set([...used.map((row) => row.name), ...seeded]);
      const statements = [
        // A DELETE leaves AUTO_INCREMENT where it was; TRUNCATE restarts it at 1, as a new
        // database has it.
        ...[...clear].filter((table) => !restart.has(table)).map((table) => `DELETE FROM ${quote(table)}`),
        ...[...restart].map((table) => `TRUNCATE TABLE ${quote(table)}`),
        ...[...seeded].map((table) => `INSERT INTO ${quote(table)} SELECT * FROM \`${seed}\`.\`${table}\``),
      ];
      // The foreign keys between the tables would refuse TRUNCATE, and DELETE in the wrong order.
      await admin.query(['SET FOREIGN_KEY_CHECKS = 0', ...statements, 'SET FOREIGN_KEY_CHECKS = 1'].join(';\n'));
    },
    async drop() {
      await admin.end();
      await database.drop();
      await withServer((server) => server.query(`DROP DATABASE IF EXISTS \`${seed}\``));
    },
  };
}

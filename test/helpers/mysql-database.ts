/**
 * A freshly created, uniquely named database on the test server, dropped when the test is done:
 * the server is shared, so no two runs ever see each other's tables.
 */
import { randomBytes } from 'node:crypto';

import mysql from 'mysql2/promise';

import { MYSQL_URL } from './require-service.js';

export interface TestDatabase {
  name: string;
  /** The store URL of this database, through `port` (a proxy) when given. */
  url(port?: number): string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = new URL(MYSQL_URL);
  server.pathname = '/';
  const name = `quickjobs_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(server.toString());
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url(port) {
      const url = new URL(MYSQL_URL);
      url.pathname = `/${name}`;
      if (port !== undefined) url.port = String(port);
      return url.toString();
    },
    async drop() {
      const connection = await mysql.createConnection(server.toString());
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

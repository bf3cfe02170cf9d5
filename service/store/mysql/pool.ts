/** The connection pool of the MySQL store, with the session settings every connection needs. */
import mysql, { type Pool } from 'mysql2/promise';

import type { MysqlTarget } from './target.js';

/**
 * Set on every new connection, whatever the server's defaults:
 * - strict mode, so a value that breaks a column's rules (a NULL status, a too-long field) fails the
 *   statement and its transaction instead of being quietly coerced;
 * - no NO_BACKSLASH_ESCAPES, which mysql2's client-side escaping relies on;
 * - READ COMMITTED, so nodes sharing the store take no gap locks and deadlock less.
 */
const SESSION_SETUP = [
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
];

/** Enough for the scheduler, the API and the helpers of one node at once. */
const CONNECTION_LIMIT = 8;
const CONNECT_TIMEOUT_MS = 10_000;

/** The callback-style connection mysql2 passes to the pool's `connection` event. */
interface CoreConnection {
  query(sql: string, done: (error: Error | null) => void): void;
  destroy(): void;
}

export function createStorePool(target: MysqlTarget): Pool {
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    // Binary collation on the connection too, so bound strings compare byte for byte like the
    // tables' own (job "Report" and job "report" are two jobs, as in the SQLite store).
    charset: 'UTF8MB4_BIN',
    connectionLimit: CONNECTION_LIMIT,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
    waitForConnections: true,
  });
  pool.on('connection', (connection) => {
    // The typings promise a PoolConnection, but mysql2 emits its callback-style connection here.
    const core = connection as unknown as CoreConnection;
    for (const sql of SESSION_SETUP) {
      // Queued ahead of whatever the pool hands this connection out for; a connection that
      // cannot take our settings is dropped, and the statement waiting for it fails with it.
      core.query(sql, (error) => {
        if (error !== null) core.destroy();
      });
    }
  });
  return pool;
}

/** The connection pool of the MySQL store, with the session settings every connection needs. */
import { createRequire } from 'node:module';
import type { Pool } from 'mysql2/promise';

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

/**
 * mysql2 is loaded at the first pool, not with this module: a service on the embedded SQLite store
 * never needs it, and its code costs each thread that loads it 2–3 MB of V8 heap (mysql2 is
 * CommonJS, so `require` loads it synchronously).
 */
export function mysqlDriver(): typeof import('mysql2/promise') {
  return createRequire(import.meta.url)('mysql2/promise') as typeof import('mysql2/promise');
}

/** Enough for the scheduler, the API and the helpers of one node at once. */
const CONNECTION_LIMIT = 8;

/**
 * The longest a store call may take, waiting for a connection included; past it the call fails as
 * unavailable (the API answers 503) instead of hanging on a server that accepts connections but
 * answers nothing. Connecting and each statement time out sooner, so a stuck connection is dropped.
 */
export const STORE_DEADLINE_MS = 5_000;

/** Server answers that mean it cannot be used now, with the words for each. */
const UNAVAILABLE: Record<string, string> = {
  ECONNREFUSED: 'the server refuses connections',
  ECONNRESET: 'the connection to the server was cut',
  EPIPE: 'the connection to the server was cut',
  ETIMEDOUT: 'the server did not answer in time',
  ENOTFOUND: 'the server name does not resolve',
  EHOSTUNREACH: 'the server cannot be reached',
  PROTOCOL_CONNECTION_LOST: 'the connection to the server was lost',
  PROTOCOL_SEQUENCE_TIMEOUT: 'the server did not answer in time',
  ER_CON_COUNT_ERROR: 'the server has too many connections',
  ER_SERVER_SHUTDOWN: 'the server is shutting down',
  ER_LOCK_WAIT_TIMEOUT: 'a lock was held by another node for too long',
  ER_OPTION_PREVENTS_STATEMENT: 'the server is read-only',
  ER_READ_ONLY_MODE: 'the server is read-only',
  ER_RECORD_FILE_FULL: 'the server\'s disk is full',
  ER_DISK_FULL: 'the server\'s disk is full',
};

export function mysqlUnavailableReason(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && UNAVAILABLE[code] !== undefined) return UNAVAILABLE[code];
  // mysql2 marks every failure that broke the connection itself as fatal.
  if ('fatal' in error && error.fatal === true) return `the connection to the server failed (${code ?? error.message})`;
  return null;
}

/** The callback-style connection mysql2 passes to the pool's `connection` event. */
interface CoreConnection {
  query(sql: string, done: (error: Error | null) => void): void;
  destroy(): void;
}

export function createStorePool(target: MysqlTarget, deadlineMs: number): Pool {
  const pool = mysqlDriver().createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    // Binary collation on the connection too, so bound strings compare byte for byte like the
    // tables' own (job "Report" and job "report" are two jobs, as in the SQLite store).
    charset: 'UTF8MB4_BIN',
    connectionLimit: CONNECTION_LIMIT,
    connectTimeout: deadlineMs,
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

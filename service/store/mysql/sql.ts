/**
 * The few ways the MySQL store talks to the server: rows as objects, rows as arrays, a write's
 * header, and a transaction on one pooled connection. Every value goes through mysql2's `?`
 * placeholders (escaped client side, one round trip per statement).
 */
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { auditRow, changedAnything, pendingAudit } from '../../users/audit-context.js';

/** The pool for single statements, or the connection a transaction runs on. */
export type Executor = Pool | PoolConnection;

export type SqlParam = string | number | null;

/**
 * Each statement fails after this long without an answer, and mysql2 then drops its connection, so
 * a server that stops answering does not keep the pool's connections stuck on it.
 */
const STATEMENT_TIMEOUT_MS = 5_000;

/** `timeoutMs`: for a statement that waits on purpose (GET_LOCK), longer than its own wait. */
export async function selectRows<T>(db: Executor, sql: string, params: SqlParam[] = [], timeoutMs = STATEMENT_TIMEOUT_MS): Promise<T[]> {
  const [rows] = await db.query<RowDataPacket[]>({ sql, timeout: timeoutMs }, params);
  // The shapes are this store's own tables; the casts trust the schema in migrations.ts.
  return rows as unknown as T[];
}

/** Rows as arrays in column order: cheaper to build than objects for a list of ten thousand jobs. */
export async function selectArrays<T extends readonly unknown[]>(db: Executor, sql: string, params: SqlParam[] = []): Promise<T[]> {
  const [rows] = await db.query<RowDataPacket[]>({ sql, rowsAsArray: true, timeout: STATEMENT_TIMEOUT_MS }, params);
  return rows as unknown as T[];
}

/** `timeoutMs` null: no limit (a migration's DDL on a large table may take minutes). */
export async function execute(db: Executor, sql: string, params: SqlParam[] = [], timeoutMs: number | null = STATEMENT_TIMEOUT_MS): Promise<ResultSetHeader> {
  const [header] = await db.query<ResultSetHeader>({ sql, timeout: timeoutMs ?? undefined }, params);
  return header;
}

/** Backquoted, because `interval`, `trigger` and friends are reserved words in MySQL. */
export function quoteColumn(column: string): string {
  return `\`${column}\``;
}

/** The server's error name (`ER_DUP_ENTRY`, ...) of a driver error, if it is one. */
export function serverErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** InnoDB picks a victim when two nodes' transactions lock in opposite orders; running it again is the cure. */
const RETRIED_CODES = new Set(['ER_LOCK_DEADLOCK']);
const MAX_ATTEMPTS = 3;

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
 * it throws (domain errors included, so a refused step writes nothing). A deadlock is retried. An
 * audit entry pending in the caller's async context is inserted with the change.
 */
export async function transaction<T>(pool: Pool, work: (connection: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.getConnection();
    let healthy = true;
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      // The audit entry this change earns commits with it, or not at all (users/audit-context.ts).
      const audit = changedAnything(result) ? pendingAudit() : null;
      if (audit) {
        const entry = auditRow(audit, result);
        await execute(connection, 'INSERT INTO quickjobs_audit (at, user, via, action, target, summary) VALUES (?, ?, ?, ?, ?, ?)', [
          entry.at,
          entry.user,
          entry.via,
          entry.action,
          entry.target,
          entry.summary,
        ]);
      }
      await connection.commit();
      if (audit) audit.written = true;
      return result;
    } catch (error) {
      try {
        await connection.rollback();
      } catch {
        // The connection itself failed; the server rolls back when it goes. Never pool it again.
        healthy = false;
      }
      if (attempt < MAX_ATTEMPTS && RETRIED_CODES.has(serverErrorCode(error) ?? '')) continue;
      throw error;
    } finally {
      if (healthy) connection.release();
      else connection.destroy();
    }
  }
}

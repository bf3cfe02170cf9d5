/**
 * `core.mysql.*` over mysql2: one pool per database, created on first use and shared by every
 * run until the service closes the helpers. mysql2 itself loads at the first call: every sandbox
 * thread builds these helpers, and most never reach a database.
 */
import type { HelperMethod } from '../../sandbox/core-names.js';
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';

import type { HostCallContext } from '../../sandbox/types.js';
import { isAbsent, requireScalar, requireString, wrongType, type Scalar } from './args.js';
import type { MysqlConfig } from './config.js';
import { withDeadline, RUN_ENDED } from './deadline.js';
import { DatabaseError, DatabaseNotAllowedError, describeError, WrongTypeError } from './errors.js';
import { toJsonSafe } from './json-safe.js';
import type { MysqlDraft } from './draft-mysql.js';
import {
  buildDelete,
  buildInsert,
  buildSelect,
  buildSelectCount,
  buildSelectOne,
  buildUpdate,
  type Statement,
} from './sql-builder.js';

const DATABASE_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
/** Jobs pick database names at run time; this bounds the pools (and sockets) they can make us hold. */
const MAX_POOLS = 32;

let driver: Promise<typeof import('mysql2/promise')> | undefined;
function loadDriver(): Promise<typeof import('mysql2/promise')> {
  driver ??= import('mysql2/promise');
  return driver;
}

export class MysqlHelper {
  readonly #pools = new Map<string, Pool>();
  /** KILL QUERY statements and connection resets in flight; close() lets them land before ending the pools. */
  readonly #kills = new Set<Promise<unknown>>();

  constructor(private readonly config: MysqlConfig) {}

  /** `draft`: a safe draft's transactions, which every statement of the run goes through. */
  async call(name: HelperMethod<'mysql'>, args: unknown[], context: HostCallContext, draft?: MysqlDraft): Promise<unknown> {
    const db = this.#database(args[0]);
    switch (name) {
      case 'query':
        return this.#query(db, args[1], args[2], context, draft);
      case 'select':
        return this.#rows(db, buildSelect(args[1]), context, draft);
      case 'selectOne':
        return (await this.#rows(db, buildSelectOne(args[1]), context, draft))[0] ?? null;
      case 'selectCount': {
        const [row] = await this.#rows(db, buildSelectCount(args[1]), context, draft);
        return Number((row as { count?: unknown } | undefined)?.count ?? 0);
      }
      case 'insert':
        return (await this.#header(db, buildInsert(args[1]), context, draft)).insertId;
      case 'update':
        return (await this.#header(db, buildUpdate(args[1]), context, draft)).affectedRows;
      case 'delete':
        return (await this.#header(db, buildDelete(args[1]), context, draft)).affectedRows;
    }
  }

  /** A connection of `db`'s pool for a draft to hold for its run, and how to give it back. */
  async connectForDraft(db: string, context: HostCallContext): Promise<{ conn: PoolConnection; giveBack: () => void }> {
    const conn = await this.#connect(await this.#pool(db), context);
    return { conn, giveBack: () => this.#recycle(conn, db) };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#kills);
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.end()));
  }

  #database(value: unknown): string {
    const db = requireString(value, 'db');
    if (!DATABASE_NAME.test(db)) throw new WrongTypeError('db', `db "${db}" is not a database name`);
    if (this.config.databases && !this.config.databases.includes(db)) throw new DatabaseNotAllowedError(db);
    return db;
  }

  async #query(db: string, sqlValue: unknown, paramsValue: unknown, context: HostCallContext, draft: MysqlDraft | undefined): Promise<unknown> {
    const sql = requireString(sqlValue, 'sql');
    draft?.check(sql);
    let params: Array<Scalar | Scalar[]> = [];
    if (!isAbsent(paramsValue)) {
      if (!Array.isArray(paramsValue)) throw wrongType('params', 'a list of values', paramsValue);
      // A flat list of values is one parameter too: the driver expands it for `IN (?)`.
      params = paramsValue.map((v, i) =>
        Array.isArray(v) ? v.map((item, j) => requireScalar(item, `params[${i}][${j}]`)) : requireScalar(v, `params[${i}]`),
      );
    }
    const result = await this.#execute(db, { sql, params }, context, draft);
    if (Array.isArray(result)) return toJsonSafe(result);
    const header = result as ResultSetHeader;
    const verb = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(\w+)/.exec(sql)?.[1]?.toUpperCase();
    if (verb === 'INSERT' || verb === 'REPLACE') return header.insertId;
    if (verb === 'UPDATE' || verb === 'DELETE') return header.affectedRows;
    return { affectedRows: header.affectedRows, insertId: header.insertId, warningStatus: header.warningStatus };
  }

  async #rows(db: string, statement: Statement, context: HostCallContext, draft: MysqlDraft | undefined): Promise<unknown[]> {
    const result = await this.#execute(db, statement, context, draft);
    if (!Array.isArray(result)) throw new DatabaseError('the statement returned no rows');
    return toJsonSafe(result) as unknown[];
  }

  async #header(db: string, statement: Statement, context: HostCallContext, draft: MysqlDraft | undefined): Promise<ResultSetHeader> {
    const result = await this.#execute(db, statement, context, draft);
    if (Array.isArray(result)) throw new DatabaseError('the statement returned rows, not a change count');
    return result as ResultSetHeader;
  }

  async #execute(db: string, statement: { sql: string; params: Array<Scalar | Scalar[]> }, context: HostCallContext, draft?: MysqlDraft): Promise<unknown> {
    if (draft) return draft.execute(db, statement, context);
    const { sql, params } = statement;
    const pool = await this.#pool(db);
    const { timeoutMs } = this.config;
    const bounds = {
      signal: context.signal,
      onTimeout: () => new DatabaseError(`the database did not answer: timed out after ${timeoutMs / 1000} s`),
      onAbort: () => new DatabaseError(RUN_ENDED),
    };
    const conn = await this.#connect(pool, context);
    try {
      const [result] = await withDeadline(conn.query({ sql, values: params, timeout: timeoutMs }), { ...bounds, ms: timeoutMs + 1000 });
      this.#recycle(conn, db);
      return result;
    } catch (error) {
      const fatal = (error as { fatal?: unknown }).fatal === true;
      const abandoned = error instanceof DatabaseError || (error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
      if (abandoned) {
        // mysql2 gives up waiting but leaves the statement running and the connection busy; end
        // both, or a hung statement would hold a pooled connection (and the server) indefinitely.
        this.#kill(pool, conn.threadId);
        conn.destroy();
      } else if (fatal) {
        conn.destroy();
      } else {
        this.#recycle(conn, db);
      }
      if (error instanceof DatabaseError) throw error;
      if (abandoned) throw new DatabaseError(`the statement timed out after ${timeoutMs / 1000} s`, { cause: error });
      throw new DatabaseError(describeError(error), { cause: error });
    }
  }

  async #connect(pool: Pool, context: HostCallContext): Promise<PoolConnection> {
    const { timeoutMs } = this.config;
    try {
      // The deadline covers waiting for a pooled connection and a server that never finishes the handshake.
      return await withDeadline(pool.getConnection(), {
        signal: context.signal,
        ms: timeoutMs + 1000,
        onTimeout: () => new DatabaseError(`the database did not answer: timed out after ${timeoutMs / 1000} s`),
        onAbort: () => new DatabaseError(RUN_ENDED),
      });
    } catch (error) {
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError(describeError(error), { cause: error });
    }
  }

  /** KILL QUERY for a draft's statement that timed out (its connection is then destroyed). */
  killOnDraft(db: string, threadId: number): void {
    // The draft's connection came from this pool, so it is there.
    const pool = this.#pools.get(db);
    if (pool) this.#kill(pool, threadId);
  }

  /**
   * Returns a connection to its pool only after clearing its session, so nothing a statement left
   * behind (USE, SET autocommit=0, an open transaction, user variables, temporary tables, locks)
   * reaches the next statement, of this run or another job's. COM_RESET_CONNECTION clears all of
   * that but the current database, which USE puts back. A connection that cannot be reset is ended.
   */
  #recycle(conn: PoolConnection, db: string): void {
    const timeoutMs = this.config.timeoutMs;
    const reset = withDeadline(
      conn.reset().then(() => conn.query({ sql: 'USE ??', values: [db], timeout: timeoutMs })),
      { ms: timeoutMs, signal: new AbortController().signal, onTimeout: () => new DatabaseError('reset timed out'), onAbort: () => new DatabaseError(RUN_ENDED) },
    ).then(
      () => conn.release(),
      () => conn.destroy(),
    );
    this.#kills.add(reset);
    void reset.finally(() => this.#kills.delete(reset));
  }

  /**
   * Best effort: the same user may always kill its own statements. Destroying the connection alone
   * does not stop the server, which keeps the socket open until the statement ends.
   */
  #kill(pool: Pool, threadId: number): void {
    const kill = withDeadline(pool.query({ sql: 'KILL QUERY ?', values: [threadId], timeout: this.config.timeoutMs }), {
      ms: this.config.timeoutMs,
      signal: new AbortController().signal,
      onTimeout: () => new DatabaseError('KILL QUERY timed out'),
      onAbort: () => new DatabaseError(RUN_ENDED),
    }).catch(() => {});
    this.#kills.add(kill);
    void kill.finally(() => this.#kills.delete(kill));
  }

  async #pool(db: string): Promise<Pool> {
    const server = this.config.server;
    if (!server) throw new DatabaseError('MySQL is not configured: set QUICKJOBS_MYSQL_URL');
    const { createPool } = await loadDriver();
    let pool = this.#pools.get(db);
    if (pool) return pool;
    if (this.#pools.size >= MAX_POOLS) {
      throw new DatabaseError(`jobs may use at most ${MAX_POOLS} databases at once`);
    }
    pool = createPool({
      ...server,
      database: db,
      connectionLimit: this.config.connectionLimit,
      maxIdle: 1,
      idleTimeout: 60_000,
      connectTimeout: this.config.timeoutMs,
      enableKeepAlive: true,
      // Rows cross into the guest as JSON: dates stay as MySQL writes them, big numbers as strings.
      dateStrings: true,
      supportBigNumbers: true,
      multipleStatements: false,
    });
    // An idle connection the server drops emits 'error' on the pool; without a listener Node exits.
    pool.on('connection', (conn) => conn.on('error', () => {}));
    this.#pools.set(db, pool);
    return pool;
  }
}

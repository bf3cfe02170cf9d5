/**
 * `core.mysql` in a safe draft: one connection per database held for the whole run, one
 * transaction on it opened at the first statement and rolled back when the run ends. The draft
 * reads its own writes; the writes are listed in what it held. If the connection is lost midway
 * the server has rolled the transaction back, and the draft's later statements on that database
 * fail rather than run outside it.
 */
import type mysql from 'mysql2/promise';

import type { HostCallContext } from '../../sandbox/types.js';
import type { Held } from '../jobs/held.js';
import type { Scalar } from './args.js';
import { RUN_ENDED, withDeadline } from './deadline.js';
import { checkDraftSql, firstVerb, isRead } from './draft-sql-guard.js';
import { DatabaseError, describeError } from './errors.js';

/** What the draft needs of the helper: a connection for the run, and the same KILL QUERY it uses. */
export interface DraftConnections {
  connectForDraft(db: string, context: HostCallContext): Promise<{ conn: mysql.PoolConnection; giveBack: () => void }>;
  killOnDraft(db: string, threadId: number): void;
}

interface HeldConnection {
  conn: mysql.PoolConnection;
  giveBack: () => void;
  /** Why the transaction is gone; set, no statement runs on this database again in this draft. */
  lost?: string;
}

export class MysqlDraft {
  readonly #open = new Map<string, Promise<HeldConnection>>();

  constructor(
    private readonly connections: DraftConnections,
    private readonly timeoutMs: number,
    private readonly held: Held,
  ) {}

  /** Refuses raw SQL the transaction could not take back (code 902, with the reason). */
  check(sql: string): void {
    checkDraftSql(sql);
  }

  async execute(db: string, { sql, params }: { sql: string; params: Array<Scalar | Scalar[]> }, context: HostCallContext): Promise<unknown> {
    const entry = await this.#connection(db, context);
    if (entry.lost) throw new DatabaseError(`this draft's transaction on "${db}" was lost (${entry.lost}); nothing it did there is kept`);
    const bounds = {
      signal: context.signal,
      ms: this.timeoutMs + 1000,
      onTimeout: () => new DatabaseError(`the database did not answer: timed out after ${this.timeoutMs / 1000} s`),
      onAbort: () => new DatabaseError(RUN_ENDED),
    };
    try {
      const [result] = await withDeadline(entry.conn.query({ sql, values: params, timeout: this.timeoutMs }), bounds);
      const verb = firstVerb(sql);
      if (!isRead(verb)) {
        const affectedRows = Array.isArray(result) ? 0 : Number((result as mysql.ResultSetHeader).affectedRows ?? 0);
        this.held.sql.push({ db, sql, params, affectedRows });
      }
      return result;
    } catch (error) {
      const abandoned = error instanceof DatabaseError || (error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
      if (abandoned || (error as { fatal?: unknown }).fatal === true) {
        entry.lost = abandoned ? 'a statement timed out or the run ended' : describeError(error);
        if (abandoned) this.connections.killOnDraft(db, entry.conn.threadId);
        entry.conn.destroy();
      }
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError(describeError(error), { cause: error });
    }
  }

  /** Rolls every transaction back and gives the connections back; resolves to a failure's text, if any. */
  async end(): Promise<string | undefined> {
    const failures: string[] = [];
    await Promise.all(
      [...this.#open].map(async ([db, opening]) => {
        let entry: HeldConnection;
        try {
          entry = await opening;
        } catch {
          return; // never opened: nothing to take back
        }
        if (entry.lost) return; // destroyed: the server rolled it back
        try {
          await withDeadline(entry.conn.query({ sql: 'ROLLBACK', timeout: this.timeoutMs }), {
            ms: this.timeoutMs + 1000,
            signal: new AbortController().signal,
            onTimeout: () => new DatabaseError('ROLLBACK timed out'),
            onAbort: () => new DatabaseError(RUN_ENDED),
          });
          entry.giveBack();
        } catch (error) {
          // Ending the connection makes the server roll the transaction back.
          entry.conn.destroy();
          failures.push(`${db}: ${describeError(error)} (the connection was closed, which rolls it back)`);
        }
      }),
    );
    this.#open.clear();
    return failures.length > 0 ? `rollback failed on ${failures.join('; ')}` : undefined;
  }

  #connection(db: string, context: HostCallContext): Promise<HeldConnection> {
    let opening = this.#open.get(db);
    if (!opening) {
      opening = (async () => {
        const { conn, giveBack } = await this.connections.connectForDraft(db, context);
        try {
          await conn.query({ sql: 'START TRANSACTION', timeout: this.timeoutMs });
        } catch (error) {
          conn.destroy();
          throw new DatabaseError(`could not open the draft's transaction: ${describeError(error)}`, { cause: error });
        }
        return { conn, giveBack };
      })();
      // A failed open is tried again by the next statement.
      opening.catch(() => {
        if (this.#open.get(db) === opening) this.#open.delete(db);
      });
      this.#open.set(db, opening);
    }
    return opening;
  }
}

/** `core.data`: JSON objects per (source, id), the id also kept inside the object as `_id`. */
import { randomUUID } from 'node:crypto';

import type { Database, Statement } from 'better-sqlite3';

import { DataArgumentError, DataQuotaError } from '../errors.js';
import type { DataObject, DataOwner, DataPageQuery } from '../store.js';
import { pageBounds } from '../data-path.js';
import { orderBy, whereFields } from './data-query.js';
import type { SqlValue } from '../rows.js';

/** Queries are built per shape; a few dozen shapes cover real jobs, the cap bounds a misbehaving one. */
const MAX_CACHED_QUERIES = 200;

export class DataTable {
  private readonly selectById: Statement<[string, string], { value: string }>;
  private readonly upsert: Statement<[string, string, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly usage: Statement<[string, string, string], { bytes: number }>;
  private readonly own: Statement<[string, string, string, number]>;
  private readonly disown: Statement<[string, string]>;
  private readonly queries = new Map<string, Statement<SqlValue[], { value: string }>>();

  constructor(private readonly db: Database) {
    this.selectById = db.prepare('SELECT value FROM data WHERE source = ? AND id = ?');
    // A replace keeps the row (and its seq), so an object keeps its place in creation order.
    this.upsert = db.prepare(
      'INSERT INTO data (source, id, value) VALUES (?, ?, ?) ON CONFLICT (source, id) DO UPDATE SET value = excluded.value',
    );
    this.remove = db.prepare('DELETE FROM data WHERE source = ? AND id = ?');
    this.usage = db.prepare(
      'SELECT COALESCE(SUM(bytes), 0) AS bytes FROM data_owners WHERE job = ? AND NOT (source = ? AND id = ?)',
    );
    this.own = db.prepare(
      'INSERT INTO data_owners (source, id, job, bytes) VALUES (?, ?, ?, ?) ON CONFLICT (source, id) DO UPDATE SET job = excluded.job, bytes = excluded.bytes',
    );
    this.disown = db.prepare('DELETE FROM data_owners WHERE source = ? AND id = ?');
  }

  get(source: string, idOrQuery: string | Record<string, unknown>): DataObject | null {
    if (typeof idOrQuery === 'string') {
      const row = this.selectById.get(source, idOrQuery);
      return row === undefined ? null : parse(row.value);
    }
    if (idOrQuery === null || typeof idOrQuery !== 'object' || Array.isArray(idOrQuery)) {
      throw new DataArgumentError('query', 'expected an id or an object of fields');
    }
    return this.page(source, { page: 1, perPage: 1, query: idOrQuery })[0] ?? null;
  }

  save(source: string, value: Record<string, unknown>, owner?: DataOwner): string {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataArgumentError('value', 'expected an object');
    }
    const given = value._id;
    if (given !== undefined && (typeof given !== 'string' || given === '')) {
      throw new DataArgumentError('_id', '_id must be a non-empty string');
    }
    const id = given ?? randomUUID();
    let json: string;
    try {
      json = JSON.stringify({ ...value, _id: id });
    } catch (error) {
      // A cycle or a BigInt: the guest handed over something that is not JSON.
      throw new DataArgumentError('value', `the object is not JSON: ${(error as Error).message}`);
    }
    if (!owner) {
      this.upsert.run(source, id, json);
      this.disown.run(source, id);
      return id;
    }
    const bytes = Buffer.byteLength(json);
    this.db.transaction(() => {
      const used = this.usage.get(owner.job, source, id)?.bytes ?? 0;
      if (used + bytes > owner.quotaBytes) throw new DataQuotaError(owner.job, owner.quotaBytes, used);
      this.upsert.run(source, id, json);
      this.own.run(source, id, owner.job, bytes);
    })();
    return id;
  }

  delete(source: string, id: string): boolean {
    return this.db.transaction(() => {
      this.disown.run(source, id);
      return this.remove.run(source, id).changes > 0;
    })();
  }

  page(source: string, query: DataPageQuery): DataObject[] {
    const { limit, offset } = pageBounds(query.page, query.perPage);
    const where = whereFields(query.query ?? {});
    const order = orderBy(query.sort);
    const sql =
      `SELECT value FROM data WHERE source = ?${where.sql === '' ? '' : ` AND ${where.sql}`}` +
      ` ORDER BY ${order.sql} LIMIT ? OFFSET ?`;
    return this.statement(sql)
      .all(source, ...where.params, ...order.params, limit, offset)
      .map((row) => parse(row.value));
  }

  private statement(sql: string): Statement<SqlValue[], { value: string }> {
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      if (this.queries.size >= MAX_CACHED_QUERIES) this.queries.clear();
      statement = this.db.prepare<SqlValue[], { value: string }>(sql);
      this.queries.set(sql, statement);
    }
    return statement;
  }
}

function parse(value: string): DataObject {
  return JSON.parse(value) as DataObject;
}

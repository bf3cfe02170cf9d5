/** `core.data` in MySQL: JSON objects per (source, id), the id also kept inside the object as `_id`. */
import { randomUUID } from 'node:crypto';

import type { Pool } from 'mysql2/promise';

import { DataArgumentError, DataQuotaError } from '../errors.js';
import type { DataObject, DataOwner, DataPageQuery } from '../store.js';
import { pageBounds } from '../data-path.js';
import { pageSelect } from './data-query.js';
import { execute, selectRows } from './sql.js';

/** The width of the id column (with the source, it fills InnoDB's 3072-byte index key). */
const MAX_ID_LENGTH = 255;

export class DataTable {
  constructor(private readonly pool: Pool) {}

  async get(source: string, idOrQuery: string | Record<string, unknown>): Promise<DataObject | null> {
    if (typeof idOrQuery === 'string') {
      const [row] = await selectRows<{ value: string }>(
        this.pool,
        'SELECT value FROM quickjobs_data WHERE source = ? AND id = ?',
        [source, idOrQuery],
      );
      return row === undefined ? null : parse(row.value);
    }
    if (idOrQuery === null || typeof idOrQuery !== 'object' || Array.isArray(idOrQuery)) {
      throw new DataArgumentError('query', 'expected an id or an object of fields');
    }
    return (await this.page(source, { page: 1, perPage: 1, query: idOrQuery }))[0] ?? null;
  }

  async save(source: string, value: Record<string, unknown>, owner?: DataOwner): Promise<string> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataArgumentError('value', 'expected an object');
    }
    const given = value._id;
    if (given !== undefined && (typeof given !== 'string' || given === '')) {
      throw new DataArgumentError('_id', '_id must be a non-empty string');
    }
    if (typeof given === 'string' && given.length > MAX_ID_LENGTH) {
      throw new DataArgumentError('_id', `_id must be at most ${MAX_ID_LENGTH} characters`);
    }
    const id = given ?? randomUUID();
    let json: string;
    try {
      json = JSON.stringify({ ...value, _id: id });
    } catch (error) {
      // A cycle or a BigInt: the guest handed over something that is not JSON.
      throw new DataArgumentError('value', `the object is not JSON: ${(error as Error).message}`);
    }
    if (owner) {
      // A job never runs twice at once, so its saves come one at a time: the check and the
      // write need no lock between them.
      const bytes = Buffer.byteLength(json);
      const [row] = await selectRows<{ bytes: number | string }>(
        this.pool,
        'SELECT COALESCE(SUM(bytes), 0) AS bytes FROM quickjobs_data_owners WHERE job = ? AND NOT (source = ? AND id = ?)',
        [owner.job, source, id],
      );
      const used = Number(row?.bytes ?? 0);
      if (used + bytes > owner.quotaBytes) throw new DataQuotaError(owner.job, owner.quotaBytes, used);
    }
    // An update in place keeps the row (and its seq), so an object keeps its place in creation order.
    await execute(
      this.pool,
      'INSERT INTO quickjobs_data (source, id, value) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)',
      [source, id, json],
    );
    if (owner) {
      await execute(
        this.pool,
        'INSERT INTO quickjobs_data_owners (source, id, job, bytes) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE job = VALUES(job), bytes = VALUES(bytes)',
        [source, id, owner.job, Buffer.byteLength(json)],
      );
    } else {
      await execute(this.pool, 'DELETE FROM quickjobs_data_owners WHERE source = ? AND id = ?', [source, id]);
    }
    return id;
  }

  async delete(source: string, id: string): Promise<boolean> {
    await execute(this.pool, 'DELETE FROM quickjobs_data_owners WHERE source = ? AND id = ?', [source, id]);
    return (await execute(this.pool, 'DELETE FROM quickjobs_data WHERE source = ? AND id = ?', [source, id])).affectedRows > 0;
  }

  async page(source: string, query: DataPageQuery): Promise<DataObject[]> {
    const { limit, offset } = pageBounds(query.page, query.perPage);
    const { sql, params } = pageSelect(source, query, limit, offset);
    return (await selectRows<{ value: string }>(this.pool, sql, params)).map((row) => parse(row.value));
  }
}

function parse(value: string): DataObject {
  return JSON.parse(value) as DataObject;
}

/**
 * Many job patches in few statements. A boot or reload patches every job (ten thousand of them);
 * one UPDATE per job would be ten thousand round trips, so consecutive patches of the same shape
 * become one `UPDATE ... SET col = CASE name WHEN ? THEN ? ... END WHERE name IN (...)`.
 */
import type { PoolConnection } from 'mysql2/promise';

import { patchColumns, type SqlValue } from '../rows.js';
import type { JobPatch } from '../store.js';
import { execute, quoteColumn, type SqlParam } from './sql.js';

/** Jobs per statement: keeps each statement well under max_allowed_packet and the parser quick. */
const CHUNK = 500;

interface Batch {
  columns: string[];
  shape: string;
  names: string[];
  values: SqlValue[][];
}

/** Applies the patches in order on the caller's transaction; names that are not jobs are ignored. */
export async function applyPatches(connection: PoolConnection, patches: Array<{ name: string; patch: JobPatch }>): Promise<void> {
  let batch: Batch | undefined;
  let inBatch = new Set<string>();
  for (const { name, patch } of patches) {
    const { columns, values } = patchColumns(patch);
    if (columns.length === 0) continue;
    const shape = columns.join(',');
    // A job patched twice must see its patches in order; CASE would only apply the first, so a
    // repeated name starts a new statement.
    if (batch === undefined || batch.shape !== shape || inBatch.has(name) || batch.names.length >= CHUNK) {
      if (batch !== undefined) await flush(connection, batch);
      batch = { columns, shape, names: [], values: [] };
      inBatch = new Set();
    }
    batch.names.push(name);
    batch.values.push(values);
    inBatch.add(name);
  }
  if (batch !== undefined) await flush(connection, batch);
}

async function flush(connection: PoolConnection, batch: Batch): Promise<void> {
  const params: SqlParam[] = [];
  const assignments = batch.columns.map((column, index) => {
    const cases = batch.names.map((name, row) => {
      params.push(name, batch.values[row]![index] as SqlValue);
      return 'WHEN ? THEN ?';
    });
    return `${quoteColumn(column)} = CASE name ${cases.join(' ')} END`;
  });
  params.push(...batch.names);
  const sql =
    `UPDATE quickjobs_jobs SET ${assignments.join(', ')} ` +
    `WHERE name IN (${batch.names.map(() => '?').join(', ')})`;
  await execute(connection, sql, params);
}

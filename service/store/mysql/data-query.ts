/**
 * Turns a `core.data` query ("all these fields equal") and sort into MySQL over the stored JSON,
 * with the SQLite store's semantics: equality matches the JSON type as well as the value, `null`
 * matches a null or missing field, and sorting orders null < numbers and booleans < text, then
 * creation order. Field names are checked by the shared rule and reach the SQL only as bound JSON
 * paths; values are always bound.
 *
 * The functions used (JSON_EXTRACT, JSON_TYPE, JSON_UNQUOTE) exist in MySQL 5.7+ and MariaDB
 * 10.2+. On MariaDB, JSON_EXTRACT yields text in one canonical layout, so objects and arrays
 * match only with their keys in the same order, as in SQLite; MySQL compares them as JSON values,
 * where key order does not matter.
 */
import { DataArgumentError } from '../errors.js';
import { jsonPath } from '../data-path.js';
import type { DataPageQuery } from '../store.js';
import type { SqlParam } from './sql.js';

export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

const NUMBER_TYPES = "'INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL'";
const TYPE = 'JSON_TYPE(JSON_EXTRACT(value, ?))';

/** One condition per field, type-exact, so `1` does not match `true` or `"1"`. */
export function whereFields(query: Record<string, unknown>): SqlFragment {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  for (const [field, value] of Object.entries(query)) {
    const path = jsonPath(field, 'query');
    if (value === null) {
      // JSON_TYPE is SQL NULL for a missing field and 'NULL' for a JSON null.
      parts.push(`COALESCE(${TYPE}, 'NULL') = 'NULL'`);
      params.push(path);
    } else if (typeof value === 'boolean') {
      parts.push(`${TYPE} = 'BOOLEAN' AND JSON_UNQUOTE(JSON_EXTRACT(value, ?)) = ?`);
      params.push(path, path, value ? 'true' : 'false');
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      parts.push(`${TYPE} IN (${NUMBER_TYPES}) AND JSON_EXTRACT(value, ?) = ?`);
      params.push(path, path, value);
    } else if (typeof value === 'string') {
      parts.push(`${TYPE} = 'STRING' AND JSON_UNQUOTE(JSON_EXTRACT(value, ?)) = ?`);
      params.push(path, path, value);
    } else if (typeof value === 'object') {
      parts.push(`${TYPE} IN ('OBJECT', 'ARRAY') AND JSON_EXTRACT(value, ?) = JSON_EXTRACT(?, '$')`);
      params.push(path, path, jsonText(value, field));
    } else {
      throw new DataArgumentError('query', `the value of ${field} is not a JSON value`);
    }
  }
  return { sql: parts.map((part) => `(${part})`).join(' AND '), params };
}

function jsonText(value: object, field: string): string {
  try {
    return JSON.stringify(value);
  } catch {
    // A cycle or a BigInt inside.
    throw new DataArgumentError('query', `the value of ${field} is not a JSON value`);
  }
}

/**
 * A page query. Sorting computes the field's JSON type and unquoted text once per row in a
 * derived table, then orders by kind, numeric value and text (binary collation, like SQLite).
 */
export function pageSelect(
  source: string,
  query: DataPageQuery,
  limit: number,
  offset: number,
): SqlFragment {
  const where = whereFields(query.query ?? {});
  const filter = `source = ?${where.sql === '' ? '' : ` AND ${where.sql}`}`;
  const sort = query.sort;
  if (sort === undefined) {
    return {
      sql: `SELECT value FROM quickjobs_data WHERE ${filter} ORDER BY seq ASC LIMIT ? OFFSET ?`,
      params: [source, ...where.params, limit, offset],
    };
  }
  const path = jsonPath(sort.field, 'sort');
  if (sort.order !== 'asc' && sort.order !== 'desc') {
    throw new DataArgumentError('sort', `sort order must be "asc" or "desc", not ${JSON.stringify(sort.order)}`);
  }
  const dir = sort.order === 'asc' ? 'ASC' : 'DESC';
  const kind = `CASE WHEN t IS NULL OR t = 'NULL' THEN 0 WHEN t IN (${NUMBER_TYPES}, 'BOOLEAN') THEN 1 ELSE 2 END`;
  // Booleans sort as 0 and 1 among the numbers, as SQLite's json_extract hands them back.
  const number = `CASE WHEN t = 'BOOLEAN' THEN (u = 'true') WHEN t IN (${NUMBER_TYPES}) THEN u + 0e0 END`;
  const text = `CASE WHEN t IN ('STRING', 'OBJECT', 'ARRAY') THEN u END`;
  return {
    sql:
      `SELECT value FROM (SELECT seq, value, JSON_TYPE(JSON_EXTRACT(value, ?)) AS t, ` +
      `JSON_UNQUOTE(JSON_EXTRACT(value, ?)) AS u FROM quickjobs_data WHERE ${filter}) AS page ` +
      `ORDER BY ${kind} ${dir}, ${number} ${dir}, ${text} ${dir}, seq ASC LIMIT ? OFFSET ?`,
    params: [path, path, source, ...where.params, limit, offset],
  };
}

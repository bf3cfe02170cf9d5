/**
 * Turns a `core.data` query ("all these fields equal") and sort into SQL over the stored JSON.
 * Field names reach the SQL only as bound JSON paths, and only after they match a plain dotted
 * path; values are always bound. Anything else is a DataArgumentError (code 801 for the guest).
 */
import { DataArgumentError } from '../errors.js';
import type { DataPageQuery } from '../store.js';
import { jsonPath } from '../data-path.js';
import type { SqlValue } from '../rows.js';

export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

/**
 * One condition per field, matching the JSON type as well as the value, so `1` does not match
 * `true` or `"1"`. `null` matches a null or missing field. Objects and arrays match their exact
 * JSON (keys in the same order).
 */
export function whereFields(query: Record<string, unknown>): SqlFragment {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const [field, value] of Object.entries(query)) {
    const path = jsonPath(field, 'query');
    if (value === null) {
      parts.push('json_extract(value, ?) IS NULL');
      params.push(path);
    } else if (typeof value === 'boolean') {
      parts.push('json_type(value, ?) = ?');
      params.push(path, value ? 'true' : 'false');
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      parts.push("json_type(value, ?) IN ('integer', 'real') AND json_extract(value, ?) = ?");
      params.push(path, path, value);
    } else if (typeof value === 'string') {
      parts.push("json_type(value, ?) = 'text' AND json_extract(value, ?) = ?");
      params.push(path, path, value);
    } else if (typeof value === 'object') {
      parts.push("json_type(value, ?) IN ('object', 'array') AND json_extract(value, ?) = json(?)");
      params.push(path, path, JSON.stringify(value));
    } else {
      throw new DataArgumentError('query', `the value of ${field} is not a JSON value`);
    }
  }
  return { sql: parts.map((p) => `(${p})`).join(' AND '), params };
}

/** ORDER BY for a page: the sort field if any, then creation order so pages never shuffle. */
export function orderBy(sort: DataPageQuery['sort']): SqlFragment {
  if (sort === undefined) return { sql: 'seq ASC', params: [] };
  const path = jsonPath(sort.field, 'sort');
  if (sort.order !== 'asc' && sort.order !== 'desc') {
    throw new DataArgumentError('sort', `sort order must be "asc" or "desc", not ${JSON.stringify(sort.order)}`);
  }
  return { sql: `json_extract(value, ?) ${sort.order === 'asc' ? 'ASC' : 'DESC'}, seq ASC`, params: [path] };
}

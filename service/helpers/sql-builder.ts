/**
 * Builds the statements behind `core.mysql.select/selectOne/selectCount/insert/update/delete` from
 * the guest's option objects. Pure: no connection, no I/O, so every shape (and every injection
 * attempt) is unit-tested on its own.
 *
 * Identifiers are quoted whole in backticks (a backtick inside doubled), never split at dots, so
 * `tbl: "other.t"` names one odd table in the job's database rather than reaching another database. Values are
 * never written into the text: they are `?` placeholders bound by the driver. The one exception is
 * a `where` string, which is raw SQL by contract.
 */
import {
  isAbsent,
  isPlainObject,
  optionalBoolean,
  requireInteger,
  requireObject,
  requireScalar,
  requireString,
  type JsonObject,
  type Scalar,
  wrongType,
} from './args.js';
import { MissingArgumentError, WrongTypeError } from './errors.js';

export interface Statement {
  sql: string;
  params: Scalar[];
}

/** LIMIT accepts numbers up to MySQL's unsigned 64-bit maximum; beyond 2^53 is not a number here. */
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

function id(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

function identifier(value: unknown, what: string): string {
  const name = requireString(value, what);
  if (name.length > 64) throw new WrongTypeError(what, `${what} is longer than 64 characters`);
  return id(name);
}

function table(options: JsonObject, what: string): string {
  return identifier(options.tbl, `${what}.tbl`);
}

function columns(value: unknown, what: string): string {
  if (isAbsent(value)) return '*';
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw wrongType(what, 'a column name or a list of them', value);
  if (list.length === 0) return '*';
  return list.map((c, i) => (c === '*' ? '*' : identifier(c, `${what}[${i}]`))).join(', ');
}

/** `WHERE …` (with a leading space) or ''. */
function where(value: unknown, what: string, params: Scalar[]): string {
  if (isAbsent(value)) return '';
  if (typeof value === 'string') {
    // Raw SQL by contract: the author wrote it. Parenthesised so it cannot swallow what follows.
    return value.trim() === '' ? '' : ` WHERE (${value})`;
  }
  if (!isPlainObject(value)) throw wrongType(what, 'an object or an SQL string', value);
  const terms: string[] = [];
  for (const [column, v] of Object.entries(value)) {
    const col = identifier(column, `${what} key`);
    if (v === null) {
      terms.push(`${col} IS NULL`);
    } else if (Array.isArray(v)) {
      if (v.length === 0) {
        // IN () is a syntax error; an empty list matches nothing.
        terms.push('FALSE');
      } else {
        terms.push(`${col} IN (${v.map(() => '?').join(', ')})`);
        v.forEach((item, i) => params.push(requireScalar(item, `${what}.${column}[${i}]`)));
      }
    } else {
      terms.push(`${col} = ?`);
      params.push(requireScalar(v, `${what}.${column}`));
    }
  }
  return terms.length === 0 ? '' : ` WHERE ${terms.join(' AND ')}`;
}

function direction(value: unknown, what: string): 'ASC' | 'DESC' {
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    if (upper === 'ASC' || upper === 'DESC') return upper;
  }
  throw new WrongTypeError(what, `${what} must be "asc" or "desc"`);
}

/** `"name"`, `"name DESC"`, `"a ASC, b DESC"`, or `{name: 'asc', id: 'desc'}`. */
function orderBy(value: unknown, what: string): string {
  if (isAbsent(value)) return '';
  const parts: string[] = [];
  if (typeof value === 'string') {
    for (const part of value.split(',')) {
      const match = /^\s*(\S+?)(?:\s+(\S+))?\s*$/.exec(part);
      if (!match) throw new WrongTypeError(what, `${what} must be like "name ASC, id DESC"`);
      parts.push(`${identifier(match[1], what)} ${match[2] === undefined ? 'ASC' : direction(match[2], what)}`);
    }
  } else if (isPlainObject(value)) {
    for (const [column, dir] of Object.entries(value)) {
      parts.push(`${identifier(column, `${what} key`)} ${direction(dir, `${what}.${column}`)}`);
    }
  } else {
    throw wrongType(what, 'a string like "name ASC" or an object like {name: "asc"}', value);
  }
  return parts.length === 0 ? '' : ` ORDER BY ${parts.join(', ')}`;
}

/** `n` or `[offset, n]`. */
function limit(value: unknown, what: string, params: Scalar[]): string {
  if (isAbsent(value)) return '';
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new WrongTypeError(what, `${what} must be n or [offset, n]`);
    params.push(requireInteger(value[0], `${what}[0]`, 0, MAX_LIMIT), requireInteger(value[1], `${what}[1]`, 0, MAX_LIMIT));
    return ' LIMIT ?, ?';
  }
  params.push(requireInteger(value, what, 0, MAX_LIMIT));
  return ' LIMIT ?';
}

/** `{column: value}` for INSERT and UPDATE; at least one column. */
function assignments(value: unknown, what: string): Array<[string, Scalar]> {
  const values = requireObject(value, what);
  const entries = Object.entries(values).map(([column, v]): [string, Scalar] => [
    identifier(column, `${what} key`),
    requireScalar(v, `${what}.${column}`),
  ]);
  if (entries.length === 0) throw new MissingArgumentError(what, `${what} must name at least one column`);
  return entries;
}

export function buildSelect(input: unknown): Statement {
  const o = requireObject(input, 'options');
  const params: Scalar[] = [];
  const distinct = optionalBoolean(o.distinct, 'options.distinct') ? 'DISTINCT ' : '';
  const cols = columns(o.columns, 'options.columns');
  const tbl = table(o, 'options');
  const sql = `SELECT ${distinct}${cols} FROM ${tbl}${where(o.where, 'options.where', params)}${orderBy(o.orderby, 'options.orderby')}`;
  return { sql: sql + limit(o.limit, 'options.limit', params), params };
}

export function buildSelectOne(input: unknown): Statement {
  const o = requireObject(input, 'options');
  if (isAbsent(o.where)) throw new MissingArgumentError('options.where');
  const params: Scalar[] = [];
  const cols = columns(o.columns, 'options.columns');
  const tbl = table(o, 'options');
  return { sql: `SELECT ${cols} FROM ${tbl}${where(o.where, 'options.where', params)} LIMIT 1`, params };
}

export function buildSelectCount(input: unknown): Statement {
  const o = requireObject(input, 'options');
  const params: Scalar[] = [];
  const tbl = table(o, 'options');
  return { sql: `SELECT COUNT(*) AS \`count\` FROM ${tbl}${where(o.where, 'options.where', params)}`, params };
}

export function buildInsert(input: unknown): Statement {
  const o = requireObject(input, 'options');
  const tbl = table(o, 'options');
  const entries = assignments(o.values, 'options.values');
  return {
    sql: `INSERT INTO ${tbl} (${entries.map(([c]) => c).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`,
    params: entries.map(([, v]) => v),
  };
}

export function buildUpdate(input: unknown): Statement {
  const o = requireObject(input, 'options');
  const tbl = table(o, 'options');
  const entries = assignments(o.values, 'options.values');
  const params: Scalar[] = entries.map(([, v]) => v);
  const set = entries.map(([c]) => `${c} = ?`).join(', ');
  return { sql: `UPDATE ${tbl} SET ${set}${where(o.where, 'options.where', params)}`, params };
}

export function buildDelete(input: unknown): Statement {
  const o = requireObject(input, 'options');
  const tbl = table(o, 'options');
  const force = optionalBoolean(o.force, 'options.force') ?? false;
  const params: Scalar[] = [];
  const clause = where(o.where, 'options.where', params);
  // An empty where object or string would silently delete every row, so it counts as none.
  if (clause === '' && !force) {
    throw new MissingArgumentError('options.where', 'options.where is required; pass force: true to delete every row');
  }
  return { sql: `DELETE FROM ${tbl}${clause}`, params };
}

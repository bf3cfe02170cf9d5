/**
 * The WHERE clause of a filtered run list, shared by both stores. Column names are the same in
 * both schemas; backticks quote in both.
 */
import type { RunQuery } from './store.js';
import { storedOutcome } from './rows.js';

export type SqlValue = string | number | null;

/** The conditions of `query` in a fixed order (so a statement per combination can be cached), with their values. */
export function runConditions(query: RunQuery): { key: string; where: string; order: string; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const keys: string[] = [];
  const add = (key: string, sql: string, value: SqlValue) => {
    keys.push(key);
    conditions.push(sql);
    params.push(value);
  };
  const outcome = storedOutcome(query.outcome);
  if (query.job !== undefined) add('job', 'job = ?', query.job);
  if (outcome !== undefined) add('outcome', 'outcome = ?', outcome);
  if (query.trigger !== undefined) add('trigger', '`trigger` = ?', query.trigger);
  if (query.since !== undefined) add('since', 'queued_at >= ?', query.since);
  if (query.until !== undefined) add('until', 'queued_at < ?', query.until);
  if (query.before !== undefined) add('before', 'id < ?', query.before);
  // With a time range the queueing-time index finds the page at once; by id the scan would pass
  // every later run first. Ids follow queueing order, so both orders agree and `before` pages either.
  const timed = query.since !== undefined || query.until !== undefined;
  const order = timed ? 'ORDER BY queued_at DESC, id DESC' : 'ORDER BY id DESC';
  return { key: keys.join(','), where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, order, params };
}

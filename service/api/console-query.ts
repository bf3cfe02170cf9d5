/**
 * The console's query strings at the edge: run filters, stats ranges and slot counts. A bad value
 * is 422 `invalid` naming the field.
 */
import { RUN_TRIGGERS } from '../../sandbox/types.js';
import { RUN_OUTCOMES, type RunOutcomeName, type RunTrigger } from '../jobs/types.js';
import type { RunQuery } from '../store/store.js';
import { ApiError } from './errors.js';

const DAY_MS = 86_400_000;
/** The longest stats period. */
export const MAX_STATS_DAYS = 90;
export const STATS_DAYS = [7, 14, 30] as const;

type Query = Record<string, string | undefined>;

export function invalid(field: string, message: string): ApiError {
  return new ApiError(422, 'invalid', message, { field });
}

/** A whole number from `min` to `max`, or `fallback` when absent. */
export function wholeNumber(raw: string | undefined, field: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw invalid(field, `${field} must be a whole number from ${min} to ${max}`);
  return value;
}

/** An ISO 8601 instant with a date and, if it has a time, a zone (Z or ±hh:mm): anything else is ambiguous. */
export function instant(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const ms = dateOnly || withZone ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(field, `${field} must be an ISO 8601 time with a zone, like 2030-01-31T08:00:00Z`);
  return ms;
}

function choice<T extends string>(raw: string | undefined, field: string, choices: readonly T[]): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw invalid(field, `${field} must be one of ${choices.join(', ')}`);
  return raw as T;
}

/** `GET /runs`: job, outcome, trigger, since, until, before, limit. */
export function parseRunQuery(query: Query): RunQuery {
  const since = instant(query.since, 'since');
  const until = instant(query.until, 'until');
  if (since !== undefined && until !== undefined && until <= since) throw invalid('until', 'until must be later than since');
  const job = query.job === undefined || query.job === '' ? undefined : query.job;
  if (job !== undefined && job.length > 64) throw invalid('job', 'job must be a job name of at most 64 characters');
  return {
    job,
    outcome: choice<RunOutcomeName>(query.outcome, 'outcome', RUN_OUTCOMES),
    trigger: choice<RunTrigger>(query.trigger, 'trigger', RUN_TRIGGERS),
    since,
    until,
    before: query.before === undefined || query.before === '' ? undefined : wholeNumber(query.before, 'before', 0, 1, Number.MAX_SAFE_INTEGER),
    limit: wholeNumber(query.limit, 'limit', 50, 1, 1000),
  };
}

/** `GET /stats`: `days` (7, 14 or 30; the default 7), or `since` (and `until`, default now), at most 90 days. */
export function parseStatsRange(query: Query, now: number): { since: number; until: number; days?: number } {
  const since = instant(query.since, 'since');
  const until = instant(query.until, 'until');
  if (query.days !== undefined && query.days !== '') {
    if (since !== undefined || until !== undefined) throw invalid('days', 'give either days or since/until, not both');
    const days = Number(query.days);
    if (!(STATS_DAYS as readonly number[]).includes(days) || !/^\d+$/.test(query.days)) throw invalid('days', `days must be one of ${STATS_DAYS.join(', ')}`);
    return { since: now - days * DAY_MS, until: now, days };
  }
  if (since === undefined) {
    if (until !== undefined) throw invalid('since', 'since is required with until');
    return { since: now - 7 * DAY_MS, until: now, days: 7 };
  }
  const end = until ?? now;
  if (end <= since) throw invalid('until', 'until must be later than since');
  if (end - since > MAX_STATS_DAYS * DAY_MS) throw invalid('until', `a stats period is at most ${MAX_STATS_DAYS} days`);
  return { since, until: end };
}

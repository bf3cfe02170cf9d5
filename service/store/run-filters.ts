/**
 * What both stores share for the console: the WHERE clause of a filtered run list, and the SQL of
 * the dashboard's aggregates. Column names are the same in both schemas; backticks quote in both.
 */
import type { RunOutcomeName, RunTrigger } from '../jobs/types.js';
import type { RunQuery } from './store.js';

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
  if (query.job !== undefined) add('job', 'job = ?', query.job);
  if (query.outcome !== undefined) add('outcome', 'outcome = ?', query.outcome);
  if (query.trigger !== undefined) add('trigger', '`trigger` = ?', query.trigger);
  if (query.since !== undefined) add('since', 'started_at >= ?', query.since);
  if (query.until !== undefined) add('until', 'started_at < ?', query.until);
  if (query.before !== undefined) add('before', 'id < ?', query.before);
  // With a time range the start-time index finds the page at once; by id the scan would pass every
  // later run first. Ids follow start order, so both orders agree and `before` pages either one.
  const timed = query.since !== undefined || query.until !== undefined;
  const order = timed ? 'ORDER BY started_at DESC, id DESC' : 'ORDER BY id DESC';
  return { key: keys.join(','), where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, order, params };
}

/** The outcomes counted as failures on the dashboard (a cancel and an interruption are not the job's fault). */
export const FAILED_OUTCOMES: readonly RunOutcomeName[] = ['error', 'timeout'];

export interface StatsQuery {
  /** The period, [since, until), epoch ms. */
  since: number;
  until: number;
  /** Where the period before starts; it ends at `since`. */
  previousSince: number;
  /** Added to an instant before cutting it into days, so days are the service zone's. */
  dayOffsetMs: number;
  /** How many of the jobs failing most. */
  failingLimit: number;
}

/** The figures of one period. Times in ms; null when no run had one. */
export interface PeriodFigures {
  byOutcome: Partial<Record<RunOutcomeName, number>>;
  meanDurationMs: number | null;
  p95DurationMs: number | null;
  /** How long after its slot a scheduled run started. */
  meanLatenessMs: number | null;
  p95LatenessMs: number | null;
}

export interface StoreStats {
  jobsByStatus: Array<{ status: string; active: boolean; count: number }>;
  /** `day` counts days since the epoch, in the offset zone. */
  perDay: Array<{ day: number; outcome: RunOutcomeName; count: number }>;
  current: PeriodFigures;
  previous: PeriodFigures;
  failingMost: Array<{ job: string; failures: number; runs: number }>;
  inFlight: number;
}

export interface StatsDialect {
  runs: string;
  jobs: string;
  /** Integer division. */
  div: (a: string, b: string) => string;
}

const SUMS = `COUNT(*) AS count, COUNT(duration_ms) AS durations, SUM(duration_ms) AS duration_sum,
  COUNT(scheduled_at) AS scheduled, SUM(started_at - scheduled_at) AS lateness_sum`;

/** A row of `perDay` or `byOutcome`: counts and sums of one group (`day` only in `perDay`). */
export interface SumsRow {
  day?: unknown;
  outcome: RunOutcomeName;
  count: unknown;
  durations: unknown;
  duration_sum: unknown;
  scheduled: unknown;
  lateness_sum: unknown;
}

/** Folds the groups into a period's counts by outcome and its means (runs in flight have no duration or lateness yet). */
export function foldPeriod(rows: SumsRow[]): { byOutcome: PeriodFigures['byOutcome']; durations: number; scheduled: number; meanDurationMs: number | null; meanLatenessMs: number | null } {
  const byOutcome: PeriodFigures['byOutcome'] = {};
  let durations = 0;
  let durationSum = 0;
  let scheduled = 0;
  let latenessSum = 0;
  for (const row of rows) {
    byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + Number(row.count);
    if (row.outcome === 'running') continue;
    durations += Number(row.durations);
    durationSum += Number(row.duration_sum ?? 0);
    scheduled += Number(row.scheduled);
    latenessSum += Number(row.lateness_sum ?? 0);
  }
  return {
    byOutcome,
    durations,
    scheduled,
    meanDurationMs: durations === 0 ? null : durationSum / durations,
    meanLatenessMs: scheduled === 0 ? null : latenessSum / scheduled,
  };
}

/** The statements of `runStats`, each with `?` parameters as documented beside it. */
export function statsSql(d: StatsDialect) {
  const range = 'started_at >= ? AND started_at < ?';
  const failed = FAILED_OUTCOMES.map((o) => `'${o}'`).join(', ');
  return {
    /** no parameters */
    jobsByStatus: `SELECT status, active, COUNT(*) AS count FROM ${d.jobs} GROUP BY status, active`,
    /** offset, since, until: one pass gives the days, the outcomes and the means of the period */
    perDay: `SELECT ${d.div('started_at + ?', '86400000')} AS day, outcome, ${SUMS} FROM ${d.runs}
      WHERE ${range} GROUP BY day, outcome`,
    /** since, until: the same for the period before, without the days */
    byOutcome: `SELECT outcome, ${SUMS} FROM ${d.runs} WHERE ${range} GROUP BY outcome`,
    /** since, until: how many durations fall in each bucket, for the p95 */
    durationHistogram: `SELECT ${bucket('duration_ms', d)} AS value, COUNT(*) AS count FROM ${d.runs}
      WHERE ${range} AND outcome <> 'running' AND duration_ms IS NOT NULL GROUP BY value`,
    /** since, until: the same for lateness */
    latenessHistogram: `SELECT ${bucket('(started_at - scheduled_at)', d)} AS value, COUNT(*) AS count FROM ${d.runs}
      WHERE ${range} AND outcome <> 'running' AND scheduled_at IS NOT NULL GROUP BY value`,
    /** since, until, limit */
    failingMost: `SELECT job, SUM(CASE WHEN outcome IN (${failed}) THEN 1 ELSE 0 END) AS failures, COUNT(*) AS runs
      FROM ${d.runs} WHERE ${range} GROUP BY job HAVING SUM(CASE WHEN outcome IN (${failed}) THEN 1 ELSE 0 END) > 0
      ORDER BY failures DESC, job LIMIT ?`,
    /** no parameters */
    inFlight: `SELECT COUNT(*) AS count FROM ${d.runs} WHERE outcome = 'running'`,
  };
}

/**
 * A value cut to three significant digits (1234 → 1230, 56789 → 56700), so a histogram of a
 * million values has a few thousand buckets and its p95 is within 1 % of the exact one. Sorting
 * every value (ORDER BY … LIMIT 1 OFFSET n) costs seconds at a million runs.
 */
function bucket(value: string, d: StatsDialect): string {
  const cut = (size: number) => `${d.div(value, String(size))} * ${size}`;
  return `CASE WHEN ${value} < 1000 THEN ${value} WHEN ${value} < 10000 THEN ${cut(10)} WHEN ${value} < 100000 THEN ${cut(100)}
    WHEN ${value} < 1000000 THEN ${cut(1000)} WHEN ${value} < 10000000 THEN ${cut(10000)} ELSE ${cut(100000)} END`;
}

/** The 95th percentile (nearest rank) of a histogram; null when it is empty. */
export function p95Of(histogram: Array<{ value: unknown; count: unknown }>): number | null {
  const buckets = histogram.map((row) => ({ value: Number(row.value), count: Number(row.count) })).sort((a, b) => a.value - b.value);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(total * 0.95);
  let seen = 0;
  for (const b of buckets) {
    seen += b.count;
    if (seen >= rank) return b.value;
  }
  return buckets.at(-1)!.value;
}

export type { RunOutcomeName, RunTrigger };

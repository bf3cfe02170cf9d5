/**
 * What both stores share for the console: the WHERE clause of a filtered run list, and the SQL of
 * the dashboard's aggregates. Column names are the same in both schemas; backticks quote in both.
 */
import type { RunOutcomeName, RunTrigger } from '../jobs/types.js';
import type { RunQuery } from './store.js';

export type SqlValue = string | number | null;

/** The conditions of `query` in a fixed order (so a statement per combination can be cached), with their values. */
export function runConditions(query: RunQuery): { key: string; where: string; params: SqlValue[] } {
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
  return { key: keys.join(','), where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
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
    /** since, until, offset */
    durationAt: `SELECT duration_ms AS value FROM ${d.runs} WHERE ${range} AND outcome <> 'running' AND duration_ms IS NOT NULL
      ORDER BY duration_ms LIMIT 1 OFFSET ?`,
    /** since, until, offset */
    latenessAt: `SELECT started_at - scheduled_at AS value FROM ${d.runs} WHERE ${range} AND outcome <> 'running' AND scheduled_at IS NOT NULL
      ORDER BY started_at - scheduled_at LIMIT 1 OFFSET ?`,
    /** since, until, limit */
    failingMost: `SELECT job, SUM(CASE WHEN outcome IN (${failed}) THEN 1 ELSE 0 END) AS failures, COUNT(*) AS runs
      FROM ${d.runs} WHERE ${range} GROUP BY job HAVING SUM(CASE WHEN outcome IN (${failed}) THEN 1 ELSE 0 END) > 0
      ORDER BY failures DESC, job LIMIT ?`,
    /** no parameters */
    inFlight: `SELECT COUNT(*) AS count FROM ${d.runs} WHERE outcome = 'running'`,
  };
}

/** The 0-based position of the 95th percentile among `count` sorted values (nearest rank). */
export function p95Offset(count: number): number {
  return Math.max(0, Math.ceil(count * 0.95) - 1);
}

export type { RunOutcomeName, RunTrigger };

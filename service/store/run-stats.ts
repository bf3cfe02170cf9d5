/**
 * The dashboard's figures (`GET /stats`) as both stores compute them: SQL over the rollups
 * (run-rollups.ts), a few thousand rows for 30 days however many runs there were.
 */
import type { RunOutcomeName } from '../jobs/types.js';
import { DAY_MS, HOUR_MS, type RollupDialect } from './run-rollups.js';

export interface StatsQuery {
  /** The period, [since, until), epoch ms, whole hours (the rollups' grain). */
  since: number;
  until: number;
  /** Where the period before starts, a whole hour; it ends at `since`. */
  previousSince: number;
  /** Whole hours added to an hour before cutting hours into days, so days are the service zone's. */
  dayOffsetHours: number;
  /** How many of the jobs failing most. */
  failingLimit: number;
}

/** The figures of one period. Times in ms; null when no run had one. */
export interface PeriodFigures {
  byOutcome: Partial<Record<RunOutcomeName, number>>;
  meanDurationMs: number | null;
  p95DurationMs: number | null;
  /** How long after its slot a scheduled run's code began. */
  meanLatenessMs: number | null;
  p95LatenessMs: number | null;
}

export interface StoreStats {
  jobsByStatus: Array<{ status: string; active: boolean; count: number }>;
  /** `day` counts days since the epoch, in the offset zone; ended runs only. */
  perDay: Array<{ day: number; outcome: RunOutcomeName; count: number }>;
  current: PeriodFigures;
  previous: PeriodFigures;
  failingMost: Array<{ job: string; failures: number; runs: number }>;
  inFlight: number;
}

/** A row of the per-day or per-outcome sums (`day` only per day). */
export interface SumsRow {
  day?: unknown;
  outcome: RunOutcomeName;
  runs: unknown;
  durations: unknown;
  duration_sum: unknown;
  scheduled: unknown;
  lateness_sum: unknown;
}

const SUMS = 'SUM(runs) AS runs, SUM(durations) AS durations, SUM(duration_sum) AS duration_sum, SUM(scheduled) AS scheduled, SUM(lateness_sum) AS lateness_sum';

/** The statements of `runStats`, each with `?` parameters as documented beside it. */
export function statsSql(d: RollupDialect) {
  const hours = 'hour >= ? AND hour < ?';
  const days = 'day >= ? AND day < ?';
  return {
    /** no parameters */
    jobsByStatus: `SELECT status, active, COUNT(*) AS count FROM ${d.prefix}jobs GROUP BY status, active`,
    /** offset hours, since hour, until hour: the days and, folded, the period's sums */
    perDay: `SELECT ${d.div('hour + ?', '24')} AS day, outcome, ${SUMS} FROM ${d.prefix}run_hours WHERE ${hours} GROUP BY 1, outcome`,
    /** since hour, until hour: the period before, without the days */
    byOutcome: `SELECT outcome, ${SUMS} FROM ${d.prefix}run_hours WHERE ${hours} GROUP BY outcome`,
    /** kind, since day, until day: how many values fall in each bucket, for the p95 */
    histogram: `SELECT bucket AS value, SUM(count) AS count FROM ${d.prefix}run_day_buckets WHERE kind = ? AND ${days} GROUP BY bucket`,
    /** since day, until day, limit */
    failingMost: `SELECT job, SUM(failures) AS failures, SUM(runs) AS runs FROM ${d.prefix}run_job_days WHERE ${days}
      GROUP BY job HAVING SUM(failures) > 0 ORDER BY failures DESC, job LIMIT ?`,
    /** no parameters */
    inFlight: `SELECT COUNT(*) AS count FROM ${d.prefix}runs WHERE outcome = 'running'`,
  };
}

export type StatsStatement = keyof ReturnType<typeof statsSql>;
type Rows = Array<Record<string, unknown>>;

/** The reads of one `runStats`: run each statement with its parameters, in one read transaction. */
export function statsReads(query: StatsQuery) {
  const since = Math.floor(query.since / HOUR_MS);
  const until = Math.ceil(query.until / HOUR_MS);
  const previousSince = Math.floor(query.previousSince / HOUR_MS);
  // The per-job and histogram rollups are by UTC day: the whole days the period touches.
  const sinceDay = Math.floor(query.since / DAY_MS);
  const untilDay = Math.ceil(query.until / DAY_MS);
  const previousSinceDay = Math.floor(query.previousSince / DAY_MS);
  const reads = {
    jobsByStatus: ['jobsByStatus', []],
    perDay: ['perDay', [query.dayOffsetHours, since, until]],
    previous: ['byOutcome', [previousSince, since]],
    durations: ['histogram', ['duration', sinceDay, untilDay]],
    lateness: ['histogram', ['lateness', sinceDay, untilDay]],
    previousDurations: ['histogram', ['duration', previousSinceDay, sinceDay]],
    previousLateness: ['histogram', ['lateness', previousSinceDay, sinceDay]],
    failingMost: ['failingMost', [sinceDay, untilDay, query.failingLimit]],
    inFlight: ['inFlight', []],
  } satisfies Record<string, [StatsStatement, Array<string | number>]>;
  return reads as Record<keyof typeof reads, [StatsStatement, Array<string | number>]>;
}

export type StatsRows = Record<keyof ReturnType<typeof statsReads>, Rows>;

/** The figures, from the rows of statsReads. */
export function statsFromRows(rows: StatsRows): StoreStats {
  const period = (sums: Rows, durations: Rows, lateness: Rows): PeriodFigures => {
    const folded = foldPeriod(sums as unknown as SumsRow[]);
    return {
      byOutcome: folded.byOutcome,
      meanDurationMs: folded.meanDurationMs,
      p95DurationMs: p95Of(durations as Array<{ value: unknown; count: unknown }>),
      meanLatenessMs: folded.meanLatenessMs,
      p95LatenessMs: p95Of(lateness as Array<{ value: unknown; count: unknown }>),
    };
  };
  return {
    jobsByStatus: rows.jobsByStatus.map((row) => ({ status: String(row.status), active: Number(row.active) === 1, count: Number(row.count) })),
    perDay: rows.perDay.map((row) => ({ day: Number(row.day), outcome: row.outcome as RunOutcomeName, count: Number(row.runs) })),
    current: period(rows.perDay, rows.durations, rows.lateness),
    previous: period(rows.previous, rows.previousDurations, rows.previousLateness),
    failingMost: rows.failingMost.map((row) => ({ job: String(row.job), failures: Number(row.failures), runs: Number(row.runs) })),
    inFlight: Number(rows.inFlight[0]?.count ?? 0),
  };
}

/** Folds the groups into a period's counts by outcome and its means. */
function foldPeriod(rows: SumsRow[]) {
  const byOutcome: PeriodFigures['byOutcome'] = {};
  let durations = 0;
  let durationSum = 0;
  let scheduled = 0;
  let latenessSum = 0;
  for (const row of rows) {
    byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + Number(row.runs);
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

/**
 * Rollups of ended runs, for the dashboard: counts and sums by hour and outcome, and, by day, runs
 * and failures of each job and histograms of duration and lateness. Each ended run is
 * added in the transaction that records its end, so `GET /stats` reads a few thousand rollup rows
 * for 30 days whatever the number of runs, rather than aggregating every run of the period.
 *
 * Hours are UTC hours since the epoch (`queued_at` cut into hours): a day of any zone with a whole-
 * hour offset is 24 of them. The per-job and histogram rollups are by UTC day, which keeps 30 days
 * of them to a few thousand rows (by hour, 200 jobs or ~150 duration buckets make 100,000s): the
 * jobs failing most and the p95s are read over the whole UTC days the period touches. The rollups outlive the runs pruned by the run history, so the
 * dashboard tells how the service did even for jobs that keep few runs; a deleted job's rows go
 * with it. Column and table names are the same in both stores but for the prefix.
 */
import type { RunOutcomeName } from '../jobs/types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The outcomes counted as failures on the dashboard (a cancel and an interruption are not the job's fault). */
export const FAILED_OUTCOMES: readonly RunOutcomeName[] = ['error', 'timeout'];

export interface RollupDialect {
  /** Table name prefix: '' for SQLite, 'quickjobs_' for MySQL. */
  prefix: string;
  /** Integer division of two integer expressions. */
  div: (a: string, b: string) => string;
  /** `INSERT INTO table (columns) <select of rows> <add each value to the row already there>`. */
  upsert: (table: string, keys: readonly string[], sums: readonly string[], select: string) => string;
}

export const SQLITE_ROLLUPS: RollupDialect = {
  prefix: '',
  // Bound parameters arrive as REAL: cast, or the division is not a whole number.
  div: (a, b) => `CAST((${a}) AS INTEGER) / ${b}`,
  upsert: (table, keys, sums, select) =>
    `INSERT INTO ${table} (${[...keys, ...sums].join(', ')}) ${select}
     ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
};

export const MYSQL_ROLLUPS: RollupDialect = {
  prefix: 'quickjobs_',
  div: (a, b) => `(${a}) DIV ${b}`,
  // The grouped select is wrapped so the update can name its columns (VALUES() is deprecated).
  upsert: (table, keys, sums, select) =>
    `INSERT INTO ${table} (${[...keys, ...sums].join(', ')}) SELECT * FROM (${select}) AS added
     ON DUPLICATE KEY UPDATE ${sums.map((c) => `${c} = ${table}.${c} + added.s_${c}`).join(', ')}`,
};

/** The rollup tables, created by migration 7 in each store. */
export function rollupTables(d: RollupDialect, types: { int: string; text: string; suffix: string }): string[] {
  const { int, text, suffix } = types;
  return [
    `CREATE TABLE IF NOT EXISTS ${d.prefix}run_hours (
      hour ${int} NOT NULL, outcome ${text} NOT NULL, runs ${int} NOT NULL, durations ${int} NOT NULL,
      duration_sum ${int} NOT NULL, scheduled ${int} NOT NULL, lateness_sum ${int} NOT NULL,
      PRIMARY KEY (hour, outcome)) ${suffix}`,
    `CREATE TABLE IF NOT EXISTS ${d.prefix}run_job_days (
      day ${int} NOT NULL, job ${text} NOT NULL, runs ${int} NOT NULL, failures ${int} NOT NULL,
      PRIMARY KEY (day, job)) ${suffix}`,
    `CREATE TABLE IF NOT EXISTS ${d.prefix}run_day_buckets (
      day ${int} NOT NULL, kind ${text} NOT NULL, bucket ${int} NOT NULL, count ${int} NOT NULL,
      PRIMARY KEY (day, kind, bucket)) ${suffix}`,
  ];
}

/**
 * A value cut to two significant digits (1234 → 1200, 56789 → 56000), values under 100 kept: a
 * p95 read from these buckets is within 10 % of the exact one, and a day holds at most a few
 * hundred buckets of each kind.
 */
function bucket(value: string, d: RollupDialect): string {
  const cut = (size: number) => `${d.div(value, String(size))} * ${size}`;
  const steps = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
  const cases = steps.slice(1).map((limit, i) => `WHEN ${value} < ${limit} THEN ${cut(steps[i]! / 10)}`);
  return `CASE WHEN ${value} < 100 THEN ${value} ${cases.join(' ')} ELSE ${cut(10_000_000)} END`;
}

/**
 * The statements that add the runs matching `where` (over the runs table, with `?` parameters) to
 * the rollups, as ending with outcome `outcome` (an SQL expression: the column, or a literal for
 * runs about to be marked). Run them after the run's end is written, or before a bulk mark.
 */
export function addToRollups(d: RollupDialect, where: string, outcome = 'outcome'): string[] {
  const runs = `${d.prefix}runs`;
  const hour = d.div('queued_at', String(HOUR_MS));
  const day = d.div('queued_at', String(DAY_MS));
  const late = 'scheduled_at IS NOT NULL AND wait_ms IS NOT NULL';
  const failed = FAILED_OUTCOMES.map((o) => `'${o}'`).join(', ');
  const s = (sums: string[]) => sums.map((c) => `s_${c}`);
  const hourSums = ['runs', 'durations', 'duration_sum', 'scheduled', 'lateness_sum'];
  const alias = (exprs: string[], names: string[]) => exprs.map((e, i) => `${e} AS ${names[i]}`).join(', ');
  return [
    d.upsert(
      `${d.prefix}run_hours`,
      ['hour', 'outcome'],
      hourSums,
      `SELECT ${hour} AS hour, ${outcome} AS outcome, ${alias(
        ['COUNT(*)', 'COUNT(duration_ms)', 'COALESCE(SUM(duration_ms), 0)', `SUM(CASE WHEN ${late} THEN 1 ELSE 0 END)`, `COALESCE(SUM(CASE WHEN ${late} THEN wait_ms END), 0)`],
        s(hourSums),
      )} FROM ${runs} WHERE ${where} GROUP BY 1, 2`,
    ),
    d.upsert(
      `${d.prefix}run_job_days`,
      ['day', 'job'],
      ['runs', 'failures'],
      `SELECT ${day} AS day, job, ${alias(['COUNT(*)', `SUM(CASE WHEN ${outcome} IN (${failed}) THEN 1 ELSE 0 END)`], s(['runs', 'failures']))}
       FROM ${runs} WHERE ${where} GROUP BY 1, 2`,
    ),
    d.upsert(
      `${d.prefix}run_day_buckets`,
      ['day', 'kind', 'bucket'],
      ['count'],
      `SELECT ${day} AS day, 'duration' AS kind, ${bucket('duration_ms', d)} AS bucket, COUNT(*) AS s_count
       FROM ${runs} WHERE (${where}) AND duration_ms IS NOT NULL GROUP BY 1, 2, 3`,
    ),
    d.upsert(
      `${d.prefix}run_day_buckets`,
      ['day', 'kind', 'bucket'],
      ['count'],
      `SELECT ${day} AS day, 'lateness' AS kind, ${bucket('wait_ms', d)} AS bucket, COUNT(*) AS s_count
       FROM ${runs} WHERE (${where}) AND ${late} GROUP BY 1, 2, 3`,
    ),
  ];
}

/** Clears the rollups and adds every ended run again: the backfill of migration 7, safe to repeat. */
export function rebuildRollups(d: RollupDialect): string[] {
  return [
    `DELETE FROM ${d.prefix}run_hours`,
    `DELETE FROM ${d.prefix}run_job_days`,
    `DELETE FROM ${d.prefix}run_day_buckets`,
    ...addToRollups(d, "outcome <> 'running'"),
  ];
}

/** Drops a deleted job's runs and failures from the per-job rollup (the hour totals keep them). */
export function forgetJobSql(d: RollupDialect): string {
  return `DELETE FROM ${d.prefix}run_job_days WHERE job = ?`;
}

/** Runs: started, finished (with the job's patch in the same transaction), pruned, listed. */
import type { Database, Statement } from 'better-sqlite3';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobNotFoundError } from '../errors.js';
import { foldPeriod, type PeriodFigures, p95Of, runConditions, type SqlValue, statsSql, type SumsRow } from '../run-filters.js';
import type { JobPatch, RunQuery, StatsQuery, StoreStats } from '../store.js';
import type { JobTable } from './job-table.js';
import { type RunRow, runFromRow } from '../rows.js';

type InsertRun = Omit<RunRow, 'id' | 'finished_at' | 'duration_ms' | 'result' | 'error' | 'outcome' | 'logs' | 'cancelled_by'>;
type FinishRun = Pick<RunRow, 'id' | 'finished_at' | 'duration_ms' | 'result' | 'outcome' | 'error' | 'logs' | 'cancelled_by'>;

export class RunTable {
  private readonly insertRun: Statement<InsertRun>;
  private readonly updateRun: Statement<FinishRun>;
  private readonly selectRun: Statement<[number], RunRow>;
  private readonly selectJobOfRun: Statement<[number], { job: string }>;
  private readonly pruneRuns: Statement<{ job: string; keep: number; finished: number }>;
  private readonly interrupt: Statement<{ at: number; error: string }>;
  // One statement per filter combination, made on first use, so each uses the right index (a
  // single statement with "@job IS NULL OR job = @job" would scan every job's runs).
  private readonly listStatements = new Map<string, Statement<SqlValue[], RunRow>>();
  private readonly statsStatements: { [K in keyof ReturnType<typeof statsSql>]: Statement<SqlValue[]> };

  constructor(
    private readonly db: Database,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {
    // Inserting through SELECT ... WHERE EXISTS tells an unknown job apart without parsing a
    // foreign-key failure.
    this.insertRun = db.prepare(
      `INSERT INTO runs (job, trigger, scheduled_at, started_at, outcome, logs, code_version, run_by)
       SELECT @job, @trigger, @scheduled_at, @started_at, 'running', '[]', @code_version, @run_by
       WHERE EXISTS (SELECT 1 FROM jobs WHERE name = @job)`,
    );
    this.updateRun = db.prepare(
      `UPDATE runs SET finished_at = @finished_at, duration_ms = @duration_ms, result = @result,
         outcome = @outcome, error = @error, logs = @logs, cancelled_by = @cancelled_by
       WHERE id = @id AND outcome = 'running'`,
    );
    this.selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.selectJobOfRun = db.prepare('SELECT job FROM runs WHERE id = ?');
    // Keeps the newest `keep` runs of the job. A run still in flight is never pruned (its finish
    // must find it), nor the one just finished (its caller is about to show it), however old.
    this.pruneRuns = db.prepare(
      `DELETE FROM runs WHERE job = @job AND outcome <> 'running' AND id <> @finished AND id <= (
         SELECT id FROM runs WHERE job = @job ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    this.interrupt = db.prepare(
      `UPDATE runs SET outcome = 'interrupted', finished_at = @at,
         duration_ms = max(0, @at - started_at), error = @error
       WHERE outcome = 'running'`,
    );
    const sql = statsSql({ runs: 'runs', jobs: 'jobs', div: (a, b) => `CAST(${a} AS INTEGER) / ${b}` });
    this.statsStatements = Object.fromEntries(
      Object.entries(sql).map(([name, text]) => [name, db.prepare<SqlValue[]>(text)]),
    ) as RunTable['statsStatements'];
  }

  start(run: NewRun): number {
    const info = this.insertRun.run({
      job: run.job,
      trigger: run.trigger,
      scheduled_at: run.scheduledAt,
      started_at: run.startedAt,
      code_version: run.codeVersion,
      run_by: run.by ?? null,
    });
    if (info.changes === 0) throw new JobNotFoundError(run.job);
    return Number(info.lastInsertRowid);
  }

  finish(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): void {
    this.db.transaction(() => {
      // The run is gone when its job was deleted while it ran; there is nothing left to record.
      const owner = this.selectJobOfRun.get(id);
      if (owner === undefined) return;
      // A run already recorded as interrupted (a shutdown past its deadline) stays so, and the
      // schedule it would have led to is not applied: the job runs again after the restart.
      const updated = this.updateRun.run({
        id,
        finished_at: finished.finishedAt,
        duration_ms: finished.durationMs,
        result: finished.result,
        outcome: finished.outcome,
        error: finished.error === null ? null : JSON.stringify(finished.error),
        logs: JSON.stringify(finished.logs),
        cancelled_by: finished.cancelledBy ?? null,
      });
      if (updated.changes === 0) return;
      if (jobPatch !== undefined) this.jobs.applyPatch(owner.job, jobPatch);
      this.pruneRuns.run({ job: owner.job, keep: this.runHistory, finished: id });
    }).immediate();
  }

  get(id: number): RunRecord | null {
    const row = this.selectRun.get(id);
    return row === undefined ? null : runFromRow(row);
  }

  list(query: RunQuery): RunRecord[] {
    const { key, where, order, params } = runConditions(query);
    let statement = this.listStatements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare<SqlValue[], RunRow>(`SELECT * FROM runs ${where} ${order} LIMIT ?`);
      this.listStatements.set(key, statement);
    }
    return statement.all(...params, query.limit).map(runFromRow);
  }

  /** One read transaction, so every figure describes the same moment. */
  stats(query: StatsQuery): StoreStats {
    const q = this.statsStatements;
    return this.db.transaction((): StoreStats => {
      const period = (rows: SumsRow[], since: number, until: number): PeriodFigures => {
        const folded = foldPeriod(rows);
        const p95 = (statement: Statement<SqlValue[]>, count: number) =>
          count === 0 ? null : p95Of(statement.all(since, until) as Array<{ value: number; count: number }>);
        return {
          byOutcome: folded.byOutcome,
          meanDurationMs: folded.meanDurationMs,
          p95DurationMs: p95(q.durationHistogram, folded.durations),
          meanLatenessMs: folded.meanLatenessMs,
          p95LatenessMs: p95(q.latenessHistogram, folded.scheduled),
        };
      };
      const days = q.perDay.all(query.dayOffsetMs, query.since, query.until) as SumsRow[];
      return {
        jobsByStatus: (q.jobsByStatus.all() as Array<{ status: string; active: number; count: number }>).map((row) => ({
          status: row.status,
          active: row.active === 1,
          count: row.count,
        })),
        perDay: days.map((row) => ({ day: Number(row.day), outcome: row.outcome, count: Number(row.count) })),
        current: period(days, query.since, query.until),
        previous: period(q.byOutcome.all(query.previousSince, query.since) as SumsRow[], query.previousSince, query.since),
        failingMost: q.failingMost.all(query.since, query.until, query.failingLimit) as StoreStats['failingMost'],
        inFlight: (q.inFlight.get() as { count: number }).count,
      };
    }).deferred();
  }

  interruptRunning(at: number, message: string): number {
    return this.interrupt.run({ at, error: JSON.stringify({ message }) }).changes;
  }
}

/** Runs: started, finished (with the job's patch and the rollups in the same transaction), pruned, listed. */
import type { Database, Statement } from 'better-sqlite3';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../errors.js';
import { runConditions, type SqlValue } from '../run-filters.js';
import { addToRollups, SQLITE_ROLLUPS } from '../run-rollups.js';
import { statsFromRows, statsReads, statsSql, type StatsRows, type StatsStatement } from '../run-stats.js';
import type { JobPatch, RunEnd, RunQuery, StartAnswer, StatsQuery, StoreStats } from '../store.js';
import type { JobTable } from './job-table.js';
import { type RunRow, runFromRow } from '../rows.js';

type InsertRun = Pick<RunRow, 'job' | 'trigger' | 'scheduled_at' | 'queued_at' | 'code_version' | 'run_by'> & { node: string | null; params: string | null };
type FinishRun = Pick<RunRow, 'id' | 'started_at' | 'finished_at' | 'wait_ms' | 'duration_ms' | 'result' | 'outcome' | 'error' | 'logs' | 'cancelled_by'>;

export class RunTable {
  private readonly insertRun: Statement<InsertRun>;
  private readonly updateRun: Statement<FinishRun>;
  private readonly selectRun: Statement<[number], RunRow>;
  private readonly selectJobOfRun: Statement<[number], { job: string }>;
  private readonly selectSlot: Statement<[string, number], { id: number }>;
  private readonly pruneRuns: Statement<{ job: string; keep: number; finished: number }>;
  private readonly interrupt: Statement<{ at: number; error: string }>;
  private readonly interruptNode: Statement<{ at: number; error: string; node: string }>;
  /** Adds one ended run to the rollups. */
  private readonly rollUpRun: Statement<[number]>[];
  /** Add the runs in flight (all, or one node's) to the rollups as interrupted, before they are marked so. */
  private readonly rollUpInterrupted: Statement[];
  private readonly rollUpInterruptedNode: Statement<[string]>[];
  // One statement per filter combination, made on first use, so each uses the right index (a
  // single statement with "@job IS NULL OR job = @job" would scan every job's runs).
  private readonly listStatements = new Map<string, Statement<SqlValue[], RunRow>>();
  private readonly statsStatements: Record<StatsStatement, Statement<Array<string | number>>>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {
    // Inserting through SELECT ... WHERE EXISTS tells an unknown job apart without parsing a
    // foreign-key failure.
    this.insertRun = db.prepare(
      `INSERT INTO runs (job, trigger, scheduled_at, queued_at, outcome, logs, code_version, run_by, node, params)
       SELECT @job, @trigger, @scheduled_at, @queued_at, 'running', '[]', @code_version, @run_by, @node, @params
       WHERE EXISTS (SELECT 1 FROM jobs WHERE name = @job)`,
    );
    this.updateRun = db.prepare(
      `UPDATE runs SET started_at = @started_at, finished_at = @finished_at, wait_ms = @wait_ms,
         duration_ms = @duration_ms, result = @result, outcome = @outcome, error = @error, logs = @logs,
         cancelled_by = @cancelled_by
       WHERE id = @id AND outcome = 'running'`,
    );
    this.selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.selectJobOfRun = db.prepare('SELECT job FROM runs WHERE id = ?');
    this.selectSlot = db.prepare('SELECT id FROM runs WHERE job = ? AND scheduled_at = ?');
    // Keeps the newest `keep` runs of the job. A run still in flight is never pruned (its finish
    // must find it), nor the one just finished (its caller is about to show it), however old.
    this.pruneRuns = db.prepare(
      `DELETE FROM runs WHERE job = @job AND outcome <> 'running' AND id <> @finished AND id <= (
         SELECT id FROM runs WHERE job = @job ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    // Its true start, if it had one, is written only with its end: an interrupted run has none.
    this.interrupt = db.prepare(
      `UPDATE runs SET outcome = 'interrupted', finished_at = @at, error = @error
       WHERE outcome = 'running'`,
    );
    this.interruptNode = db.prepare(
      `UPDATE runs SET outcome = 'interrupted', finished_at = @at, error = @error
       WHERE outcome = 'running' AND node = @node`,
    );
    this.rollUpRun = addToRollups(SQLITE_ROLLUPS, 'id = ?').map((sql) => db.prepare<[number]>(sql));
    this.rollUpInterrupted = addToRollups(SQLITE_ROLLUPS, "outcome = 'running'", "'interrupted'").map((sql) => db.prepare(sql));
    this.rollUpInterruptedNode = addToRollups(SQLITE_ROLLUPS, "outcome = 'running' AND node = ?", "'interrupted'").map((sql) => db.prepare<[string]>(sql));
    const sql = statsSql(SQLITE_ROLLUPS);
    this.statsStatements = Object.fromEntries(
      Object.entries(sql).map(([name, text]) => [name, db.prepare<Array<string | number>>(text)]),
    ) as RunTable['statsStatements'];
  }

  /**
   * The run's start record, refused by the same unique keys as in the MySQL store: a slot (job,
   * scheduled_at) is recorded once (SlotTakenError), a job has one run in flight (JobBusyError).
   */
  start(run: NewRun): number {
    try {
      return this.insert(run);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      if (run.scheduledAt !== null && this.selectSlot.get(run.job, run.scheduledAt) !== undefined) throw new SlotTakenError(run.job, run.scheduledAt);
      throw new JobBusyError(run.job);
    }
  }

  private insert(run: NewRun): number {
    const info = this.insertRun.run({
      job: run.job,
      trigger: run.trigger,
      scheduled_at: run.scheduledAt,
      queued_at: run.queuedAt,
      code_version: run.codeVersion,
      run_by: run.by ?? null,
      node: run.node ?? null,
      params: run.params == null ? null : JSON.stringify(run.params),
    });
    if (info.changes === 0) throw new JobNotFoundError(run.job);
    return Number(info.lastInsertRowid);
  }

  /** One transaction for the lot: one commit, however many runs one tick starts. */
  startMany(runs: readonly NewRun[]): StartAnswer[] {
    return this.db
      .transaction((): StartAnswer[] =>
        runs.map((run) => {
          try {
            return { ok: true, id: this.start(run) };
          } catch (error) {
            if (error instanceof JobNotFoundError || error instanceof SlotTakenError || error instanceof JobBusyError) return { ok: false, error };
            throw error;
          }
        }),
      )
      .immediate();
  }

  finish(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): void {
    this.db.transaction(() => this.record(id, finished, jobPatch)).immediate();
  }

  /** One transaction for the lot: one commit, however many runs ended together. */
  finishMany(ends: readonly RunEnd[]): void {
    this.db
      .transaction(() => {
        for (const end of ends) this.record(end.id, end.finished, end.jobPatch);
      })
      .immediate();
  }

  private record(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): void {
    // The run is gone when its job was deleted while it ran; there is nothing left to record.
    const owner = this.selectJobOfRun.get(id);
    if (owner === undefined) return;
    // A run already recorded as interrupted (a shutdown past its deadline) stays so, and the
    // schedule it would have led to is not applied: the job runs again after the restart.
    const updated = this.updateRun.run({
      id,
      started_at: finished.startedAt,
      finished_at: finished.finishedAt,
      wait_ms: finished.waitMs,
      duration_ms: finished.durationMs,
      result: finished.result,
      outcome: finished.outcome,
      error: finished.error === null ? null : JSON.stringify(finished.error),
      logs: JSON.stringify(finished.logs),
      cancelled_by: finished.cancelledBy ?? null,
    });
    if (updated.changes === 0) return;
    for (const statement of this.rollUpRun) statement.run(id);
    if (jobPatch !== undefined) this.jobs.applyPatch(owner.job, jobPatch);
    this.pruneRuns.run({ job: owner.job, keep: this.runHistory, finished: id });
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
    const reads = Object.entries(statsReads(query));
    return this.db
      .transaction(() => {
        const rows = Object.fromEntries(reads.map(([key, [name, params]]) => [key, this.statsStatements[name].all(...params)]));
        return statsFromRows(rows as StatsRows);
      })
      .deferred();
  }

  interruptRunning(at: number, message: string, node?: string): number {
    const error = JSON.stringify({ message });
    return this.db
      .transaction(() => {
        if (node !== undefined) {
          for (const statement of this.rollUpInterruptedNode) statement.run(node);
          return this.interruptNode.run({ at, error, node }).changes;
        }
        for (const statement of this.rollUpInterrupted) statement.run();
        return this.interrupt.run({ at, error }).changes;
      })
      .immediate();
  }
}

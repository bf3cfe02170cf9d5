/** Runs: started, finished (with the job's patch in the same transaction), pruned, listed. */
import type { Database, Statement } from 'better-sqlite3';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../errors.js';
import type { JobPatch, RunEnd, RunQuery, StartAnswer } from '../store.js';
import { storedOutcome } from '../rows.js';
import type { JobTable } from './job-table.js';
import { type RunRow, runFromRow } from '../rows.js';

type InsertRun = Pick<RunRow, 'job' | 'trigger' | 'scheduled_at' | 'queued_at' | 'code_version'> & { node: string | null };
type FinishRun = Pick<RunRow, 'id' | 'started_at' | 'finished_at' | 'wait_ms' | 'duration_ms' | 'result' | 'outcome' | 'error' | 'logs'>;

export class RunTable {
  private readonly insertRun: Statement<InsertRun>;
  private readonly updateRun: Statement<FinishRun>;
  private readonly selectRun: Statement<[number], RunRow>;
  private readonly selectJobOfRun: Statement<[number], { job: string }>;
  private readonly selectSlot: Statement<[string, number], { id: number }>;
  private readonly pruneRuns: Statement<{ job: string; keep: number; finished: number }>;
  private readonly interrupt: Statement<{ at: number; error: string }>;
  private readonly interruptNode: Statement<{ at: number; error: string; node: string }>;
  // One statement per filter combination, so each uses the right index (a single statement with
  // "@job IS NULL OR job = @job" would scan every job's runs).
  private readonly listAll: Statement<{ limit: number }, RunRow>;
  private readonly listAllBefore: Statement<{ limit: number; before: number }, RunRow>;
  private readonly listJob: Statement<{ limit: number; job: string }, RunRow>;
  private readonly listJobBefore: Statement<{ limit: number; job: string; before: number }, RunRow>;
  /** The other filter combinations with an outcome are rare (operators' searches): built when asked. */
  private readonly listOutcome: Statement<{ limit: number; outcome: string }, RunRow>;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {
    // Inserting through SELECT ... WHERE EXISTS tells an unknown job apart without parsing a
    // foreign-key failure.
    this.insertRun = db.prepare(
      `INSERT INTO runs (job, trigger, scheduled_at, queued_at, outcome, logs, code_version, node)
       SELECT @job, @trigger, @scheduled_at, @queued_at, 'running', '[]', @code_version, @node
       WHERE EXISTS (SELECT 1 FROM jobs WHERE name = @job)`,
    );
    this.updateRun = db.prepare(
      `UPDATE runs SET started_at = @started_at, finished_at = @finished_at, wait_ms = @wait_ms,
         duration_ms = @duration_ms, result = @result, outcome = @outcome, error = @error, logs = @logs
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
    this.listOutcome = db.prepare('SELECT * FROM runs WHERE outcome = @outcome ORDER BY id DESC LIMIT @limit');
    this.interruptNode = db.prepare(
      `UPDATE runs SET outcome = 'interrupted', finished_at = @at, error = @error
       WHERE outcome = 'running' AND node = @node`,
    );
    this.listAll = db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT @limit');
    this.listAllBefore = db.prepare('SELECT * FROM runs WHERE id < @before ORDER BY id DESC LIMIT @limit');
    this.listJob = db.prepare('SELECT * FROM runs WHERE job = @job ORDER BY id DESC LIMIT @limit');
    this.listJobBefore = db.prepare(
      'SELECT * FROM runs WHERE job = @job AND id < @before ORDER BY id DESC LIMIT @limit',
    );
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
      node: run.node ?? null,
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
    });
    if (updated.changes === 0) return;
    if (jobPatch !== undefined) this.jobs.applyPatch(owner.job, jobPatch);
    this.pruneRuns.run({ job: owner.job, keep: this.runHistory, finished: id });
  }

  get(id: number): RunRecord | null {
    const row = this.selectRun.get(id);
    return row === undefined ? null : runFromRow(row);
  }

  list(query: RunQuery): RunRecord[] {
    const { job, limit, before } = query;
    const outcome = storedOutcome(query.outcome);
    let rows: RunRow[];
    if (outcome !== undefined) {
      rows = job === undefined && before === undefined ? this.listOutcome.all({ limit, outcome }) : this.listFiltered(query, outcome);
    } else if (job === undefined) {
      rows = before === undefined ? this.listAll.all({ limit }) : this.listAllBefore.all({ limit, before });
    } else {
      rows = before === undefined ? this.listJob.all({ limit, job }) : this.listJobBefore.all({ limit, job, before });
    }
    return rows.map(runFromRow);
  }

  private listFiltered(query: RunQuery, outcome: string): RunRow[] {
    const conditions = ['outcome = @outcome'];
    const params: Record<string, string | number> = { outcome, limit: query.limit };
    if (query.job !== undefined) {
      conditions.push('job = @job');
      params.job = query.job;
    }
    if (query.before !== undefined) {
      conditions.push('id < @before');
      params.before = query.before;
    }
    const sql = `SELECT * FROM runs WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT @limit`;
    return this.db.prepare<Record<string, string | number>, RunRow>(sql).all(params);
  }

  interruptRunning(at: number, message: string, node?: string): number {
    const error = JSON.stringify({ message });
    if (node !== undefined) return this.interruptNode.run({ at, error, node }).changes;
    return this.interrupt.run({ at, error }).changes;
  }
}

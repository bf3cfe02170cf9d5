/** Runs in MySQL: started, finished (with the job's patch and the rollups in the same transaction), pruned, listed. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobNotFoundError } from '../errors.js';
import { type RunRow, runFromRow } from '../rows.js';
import { runConditions } from '../run-filters.js';
import { addToRollups, MYSQL_ROLLUPS } from '../run-rollups.js';
import { statsFromRows, statsReads, statsSql, type StatsRows } from '../run-stats.js';
import type { JobPatch, RunEnd, RunQuery, StartAnswer, StatsQuery, StoreStats } from '../store.js';
import type { JobTable } from './job-table.js';
import { execute, selectRows, serverErrorCode, type SqlParam, transaction } from './sql.js';

const RUN_COLUMNS =
  'id, job, `trigger`, scheduled_at, queued_at, started_at, finished_at, wait_ms, duration_ms, result, outcome, error, logs, code_version, run_by, cancelled_by';

const INSERT_RUNS = "INSERT INTO quickjobs_runs (job, `trigger`, scheduled_at, queued_at, outcome, logs, code_version, run_by) VALUES ";
const RUN_VALUES = "(?, ?, ?, ?, 'running', '[]', ?, ?)";

const runParams = (run: NewRun): SqlParam[] => [run.job, run.trigger, run.scheduledAt, run.queuedAt, run.codeVersion, run.by ?? null];

const ROLL_UP_RUN = addToRollups(MYSQL_ROLLUPS, 'id = ?');
const ROLL_UP_INTERRUPTED = addToRollups(MYSQL_ROLLUPS, "outcome = 'running'", "'interrupted'");
const STATS = statsSql(MYSQL_ROLLUPS);

export class RunTable {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {}

  async start(run: NewRun): Promise<number> {
    try {
      const header = await execute(this.pool, INSERT_RUNS + RUN_VALUES, runParams(run));
      return header.insertId;
    } catch (error) {
      // The foreign key refuses a run of a job that is not there (or was deleted a moment ago).
      if (serverErrorCode(error) === 'ER_NO_REFERENCED_ROW_2') throw new JobNotFoundError(run.job);
      throw error;
    }
  }

  /**
   * One multi-row INSERT: one round trip and one commit for a tick's starts. InnoDB hands a simple
   * INSERT's rows consecutive ids in every lock mode, so row i has the first id plus i (times the
   * server's auto_increment_increment). A row whose job is gone fails the whole statement, and
   * nothing was written: then each run is tried alone, so only that one is refused.
   */
  async startMany(runs: readonly NewRun[]): Promise<StartAnswer[]> {
    if (runs.length === 1) return [await this.startOne(runs[0]!)];
    try {
      const params = runs.flatMap(runParams);
      const header = await execute(this.pool, INSERT_RUNS + runs.map(() => RUN_VALUES).join(', '), params);
      const step = await this.idStep();
      return runs.map((_, i) => ({ ok: true, id: header.insertId + i * step }));
    } catch (error) {
      if (serverErrorCode(error) !== 'ER_NO_REFERENCED_ROW_2') throw error;
      const answers: StartAnswer[] = [];
      for (const run of runs) answers.push(await this.startOne(run));
      return answers;
    }
  }

  private step: number | undefined;

  private async idStep(): Promise<number> {
    if (this.step === undefined) {
      const [row] = await selectRows<{ step: number }>(this.pool, 'SELECT @@auto_increment_increment AS step');
      this.step = Number(row?.step ?? 1);
    }
    return this.step;
  }

  private async startOne(run: NewRun): Promise<StartAnswer> {
    try {
      return { ok: true, id: await this.start(run) };
    } catch (error) {
      if (error instanceof JobNotFoundError) return { ok: false, error };
      throw error;
    }
  }

  async finish(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): Promise<void> {
    await transaction(this.pool, (connection) => this.record(connection, id, finished, jobPatch));
  }

  /** One transaction, one commit, for runs that ended together. */
  async finishMany(ends: readonly RunEnd[]): Promise<void> {
    await transaction(this.pool, async (connection) => {
      for (const end of ends) await this.record(connection, end.id, end.finished, end.jobPatch);
    });
  }

  private async record(connection: PoolConnection, id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): Promise<void> {
    {
      // The run is gone when its job was deleted while it ran; there is nothing left to record.
      const [located] = await selectRows<{ job: string }>(connection, 'SELECT job FROM quickjobs_runs WHERE id = ?', [id]);
      if (located === undefined) return;
      // Job first, then run: every writer that touches both takes them in this order (a delete
      // cascades from the job too), so two nodes finishing runs of one job queue up instead of
      // deadlocking over each other's runs in the pruning below.
      await selectRows(connection, 'SELECT 1 FROM quickjobs_jobs WHERE name = ? FOR UPDATE', [located.job]);
      const [owner] = await selectRows<{ job: string; outcome: string }>(
        connection,
        'SELECT job, outcome FROM quickjobs_runs WHERE id = ? FOR UPDATE',
        [id],
      );
      // A run already recorded as interrupted (a shutdown past its deadline) stays so, and the
      // schedule it would have led to is not applied: the job runs again after the restart. It
      // may also have gone with its job between the two reads.
      if (owner === undefined || owner.outcome !== 'running') return;
      await execute(
        connection,
        `UPDATE quickjobs_runs SET started_at = ?, finished_at = ?, wait_ms = ?, duration_ms = ?, result = ?, outcome = ?,
           error = ?, logs = ?, cancelled_by = ?
         WHERE id = ?`,
        [
          finished.startedAt,
          finished.finishedAt,
          finished.waitMs,
          finished.durationMs,
          finished.result,
          finished.outcome,
          finished.error === null ? null : JSON.stringify(finished.error),
          JSON.stringify(finished.logs),
          finished.cancelledBy ?? null,
          id,
        ],
      );
      for (const sql of ROLL_UP_RUN) await execute(connection, sql, [id]);
      if (jobPatch !== undefined) await this.jobs.applyPatch(connection, owner.job, jobPatch);
      await this.prune(connection, owner.job, id);
    }
  }

  /**
   * Keeps the job's newest `runHistory` runs. A run still in flight is never pruned (its finish
   * must find it), nor the one just finished (its caller is about to show it), however old.
   * Two statements, because MySQL cannot DELETE from a table its own subquery reads.
   */
  private async prune(connection: PoolConnection, job: string, finished: number): Promise<void> {
    const [cutoff] = await selectRows<{ id: number }>(
      connection,
      'SELECT id FROM quickjobs_runs WHERE job = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
      [job, this.runHistory],
    );
    if (cutoff === undefined) return;
    await execute(
      connection,
      "DELETE FROM quickjobs_runs WHERE job = ? AND outcome <> 'running' AND id <> ? AND id <= ?",
      [job, finished, cutoff.id],
    );
  }

  async get(id: number): Promise<RunRecord | null> {
    const [row] = await selectRows<RunRow>(this.pool, `SELECT ${RUN_COLUMNS} FROM quickjobs_runs WHERE id = ?`, [id]);
    return row === undefined ? null : runFromRow(row);
  }

  /** Newest first; each filter is a plain condition, so an index ((job, id), (outcome, id), …) or the primary key serves it. */
  async list(query: RunQuery): Promise<RunRecord[]> {
    const { where, order, params } = runConditions(query);
    const rows = await selectRows<RunRow>(
      this.pool,
      `SELECT ${RUN_COLUMNS} FROM quickjobs_runs ${where} ${order} LIMIT ?`,
      [...params, query.limit],
    );
    return rows.map(runFromRow);
  }

  /** In one transaction, so every figure describes the same moment. */
  async stats(query: StatsQuery): Promise<StoreStats> {
    return transaction(this.pool, async (connection) => {
      const rows: Record<string, unknown> = {};
      for (const [key, [name, params]] of Object.entries(statsReads(query))) rows[key] = await selectRows(connection, STATS[name], params);
      return statsFromRows(rows as StatsRows);
    });
  }

  async interruptRunning(at: number, message: string): Promise<number> {
    return transaction(this.pool, async (connection) => {
      for (const sql of ROLL_UP_INTERRUPTED) await execute(connection, sql, []);
      const header = await execute(
        connection,
      // Its true start, if it had one, is written only with its end: an interrupted run has none.
      `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?, error = ?
       WHERE outcome = 'running'`,
        [at, JSON.stringify({ message })],
      );
      return header.affectedRows;
    });
  }
}

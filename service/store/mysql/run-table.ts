/** Runs in MySQL: started, finished (with the job's patch in the same transaction), pruned, listed. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../errors.js';
import { type RunRow, runFromRow } from '../rows.js';
import type { JobPatch, RunQuery } from '../store.js';
import type { JobTable } from './job-table.js';
import { execute, selectRows, serverErrorCode, type SqlParam, transaction } from './sql.js';

const RUN_COLUMNS =
  'id, job, `trigger`, scheduled_at, started_at, finished_at, duration_ms, result, outcome, error, logs, code_version, node';

export class RunTable {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {}

  /**
   * The claim: one autocommit INSERT that is also the run's start record. The unique key on (job,
   * scheduled_at) lets one node have a slot (a second gets a duplicate-key error). A run with a
   * `node` (a cluster member) is also refused while the job has a run in flight on any node, and a
   * scheduled slot unless the job, as stored, is active and due by then: a node whose copy of the
   * job is stale (edited, stopped or run elsewhere) cannot run it on old terms. Two claims racing
   * for the in-flight check meet on its gap lock and InnoDB lets one through (the other's deadlock
   * error means "lost").
   */
  async start(run: NewRun): Promise<number> {
    const node = run.node ?? null;
    try {
      const header =
        node === null
          ? await execute(
              this.pool,
              `INSERT INTO quickjobs_runs (job, \`trigger\`, scheduled_at, started_at, outcome, logs, code_version)
               VALUES (?, ?, ?, ?, 'running', '[]', ?)`,
              [run.job, run.trigger, run.scheduledAt, run.startedAt, run.codeVersion],
            )
          : await execute(
              this.pool,
              `INSERT INTO quickjobs_runs (job, \`trigger\`, scheduled_at, started_at, outcome, logs, code_version, node)
               SELECT ?, ?, ?, ?, 'running', '[]', ?, ? FROM DUAL
               WHERE NOT EXISTS (SELECT 1 FROM quickjobs_runs WHERE job = ? AND outcome = 'running')
                 AND (? IS NULL OR EXISTS (SELECT 1 FROM quickjobs_jobs WHERE name = ? AND active = 1 AND next_run_at <= ?))`,
              [run.job, run.trigger, run.scheduledAt, run.startedAt, run.codeVersion, node, run.job, run.scheduledAt, run.job, run.scheduledAt],
            );
      if (header.affectedRows === 0) {
        // Refused by a condition: say whether the job is gone or busy (a read on the rare path only).
        const [job] = await selectRows(this.pool, 'SELECT 1 FROM quickjobs_jobs WHERE name = ?', [run.job]);
        throw job === undefined ? new JobNotFoundError(run.job) : new JobBusyError(run.job);
      }
      return header.insertId;
    } catch (error) {
      const code = serverErrorCode(error);
      // The foreign key refuses a run of a job that is not there (or was deleted a moment ago).
      if (code === 'ER_NO_REFERENCED_ROW_2') throw new JobNotFoundError(run.job);
      if (code === 'ER_DUP_ENTRY' && run.scheduledAt !== null) throw new SlotTakenError(run.job, run.scheduledAt);
      if (code === 'ER_LOCK_DEADLOCK') throw new JobBusyError(run.job);
      throw error;
    }
  }

  async finish(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): Promise<void> {
    await transaction(this.pool, async (connection) => {
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
        `UPDATE quickjobs_runs SET finished_at = ?, duration_ms = ?, result = ?, outcome = ?, error = ?, logs = ?
         WHERE id = ?`,
        [
          finished.finishedAt,
          finished.durationMs,
          finished.result,
          finished.outcome,
          finished.error === null ? null : JSON.stringify(finished.error),
          JSON.stringify(finished.logs),
          id,
        ],
      );
      if (jobPatch !== undefined) await this.jobs.applyPatch(connection, owner.job, jobPatch);
      await this.prune(connection, owner.job, id);
    });
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

  /** Newest first; each filter is a plain condition, so the (job, id) index or the primary key serves it. */
  async list(query: RunQuery): Promise<RunRecord[]> {
    const conditions: string[] = [];
    const params: SqlParam[] = [];
    if (query.job !== undefined) {
      conditions.push('job = ?');
      params.push(query.job);
    }
    if (query.before !== undefined) {
      conditions.push('id < ?');
      params.push(query.before);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = await selectRows<RunRow>(
      this.pool,
      `SELECT ${RUN_COLUMNS} FROM quickjobs_runs ${where} ORDER BY id DESC LIMIT ?`,
      [...params, query.limit],
    );
    return rows.map(runFromRow);
  }

  async interruptRunning(at: number, message: string, node?: string): Promise<number> {
    const header = await execute(
      this.pool,
      `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?,
         duration_ms = GREATEST(0, ? - started_at), error = ?
       WHERE outcome = 'running'${node === undefined ? '' : ' AND node = ?'}`,
      node === undefined ? [at, at, JSON.stringify({ message })] : [at, at, JSON.stringify({ message }), node],
    );
    return header.affectedRows;
  }
}

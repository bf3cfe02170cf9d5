/** Runs in MySQL: started, finished (with the job's patch in the same transaction), pruned, listed. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobNotFoundError } from '../errors.js';
import { type RunRow, runFromRow } from '../rows.js';
import { foldPeriod, type PeriodFigures, p95Of, runConditions, statsSql, type SumsRow } from '../run-filters.js';
import type { JobPatch, RunQuery, StatsQuery, StoreStats } from '../store.js';
import type { JobTable } from './job-table.js';
import { execute, selectRows, serverErrorCode, type SqlParam, transaction } from './sql.js';

const RUN_COLUMNS =
  'id, job, `trigger`, scheduled_at, started_at, finished_at, duration_ms, result, outcome, error, logs, code_version, run_by, cancelled_by';

const STATS = statsSql({ runs: 'quickjobs_runs', jobs: 'quickjobs_jobs', div: (a, b) => `(${a}) DIV ${b}` });

export class RunTable {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {}

  async start(run: NewRun): Promise<number> {
    try {
      const header = await execute(
        this.pool,
        `INSERT INTO quickjobs_runs (job, \`trigger\`, scheduled_at, started_at, outcome, logs, code_version, run_by)
         VALUES (?, ?, ?, ?, 'running', '[]', ?, ?)`,
        [run.job, run.trigger, run.scheduledAt, run.startedAt, run.codeVersion, run.by ?? null],
      );
      return header.insertId;
    } catch (error) {
      // The foreign key refuses a run of a job that is not there (or was deleted a moment ago).
      if (serverErrorCode(error) === 'ER_NO_REFERENCED_ROW_2') throw new JobNotFoundError(run.job);
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
        `UPDATE quickjobs_runs SET finished_at = ?, duration_ms = ?, result = ?, outcome = ?, error = ?, logs = ?, cancelled_by = ?
         WHERE id = ?`,
        [
          finished.finishedAt,
          finished.durationMs,
          finished.result,
          finished.outcome,
          finished.error === null ? null : JSON.stringify(finished.error),
          JSON.stringify(finished.logs),
          finished.cancelledBy ?? null,
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
      const rows = <T>(sql: string, params: SqlParam[] = []) => selectRows<T>(connection, sql, params);
      const period = async (groups: SumsRow[], since: number, until: number): Promise<PeriodFigures> => {
        const folded = foldPeriod(groups);
        const p95 = async (sql: string, count: number) => (count === 0 ? null : p95Of(await rows<{ value: unknown; count: unknown }>(sql, [since, until])));
        return {
          byOutcome: folded.byOutcome,
          meanDurationMs: folded.meanDurationMs,
          p95DurationMs: await p95(STATS.durationHistogram, folded.durations),
          meanLatenessMs: folded.meanLatenessMs,
          p95LatenessMs: await p95(STATS.latenessHistogram, folded.scheduled),
        };
      };
      const jobs = await rows<{ status: string; active: number; count: number }>(STATS.jobsByStatus);
      const days = await rows<SumsRow>(STATS.perDay, [query.dayOffsetMs, query.since, query.until]);
      const current = await period(days, query.since, query.until);
      const previous = await period(await rows<SumsRow>(STATS.byOutcome, [query.previousSince, query.since]), query.previousSince, query.since);
      const failing = await rows<{ job: string; failures: unknown; runs: unknown }>(STATS.failingMost, [query.since, query.until, query.failingLimit]);
      const [inFlight] = await rows<{ count: unknown }>(STATS.inFlight);
      return {
        jobsByStatus: jobs.map((row) => ({ status: row.status, active: Number(row.active) === 1, count: Number(row.count) })),
        perDay: days.map((row) => ({ day: Number(row.day), outcome: row.outcome, count: Number(row.count) })),
        current,
        previous,
        failingMost: failing.map((row) => ({ job: row.job, failures: Number(row.failures), runs: Number(row.runs) })),
        inFlight: Number(inFlight?.count ?? 0),
      };
    });
  }

  async interruptRunning(at: number, message: string): Promise<number> {
    const header = await execute(
      this.pool,
      `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?,
         duration_ms = GREATEST(0, ? - started_at), error = ?
       WHERE outcome = 'running'`,
      [at, at, JSON.stringify({ message })],
    );
    return header.affectedRows;
  }
}

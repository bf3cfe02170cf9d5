/** Runs in MySQL: started, finished (with the job's patch and the rollups in the same transaction), pruned, listed. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../errors.js';
import { type RunRow, runFromRow } from '../rows.js';
import { runConditions } from '../run-filters.js';
import { addToRollups, MYSQL_ROLLUPS } from '../run-rollups.js';
import { statsFromRows, statsReads, statsSql, type StatsRows } from '../run-stats.js';
import type { JobPatch, RunEnd, RunQuery, StartAnswer, StatsQuery, StoreStats } from '../store.js';
import type { JobTable } from './job-table.js';
import { execute, selectRows, serverErrorCode, type SqlParam, transaction } from './sql.js';

const RUN_COLUMNS =
  'id, job, `trigger`, scheduled_at, queued_at, started_at, finished_at, wait_ms, duration_ms, result, outcome, error, logs, code_version, run_by, cancelled_by, node, params';

const INSERT_RUNS = "INSERT INTO quickjobs_runs (job, `trigger`, scheduled_at, queued_at, outcome, logs, code_version, run_by, node, params) VALUES ";
const RUN_VALUES = "(?, ?, ?, ?, 'running', '[]', ?, ?, ?, ?)";

const runParams = (run: NewRun): SqlParam[] => [
  run.job, run.trigger, run.scheduledAt, run.queuedAt, run.codeVersion, run.by ?? null, run.node ?? null,
  run.params == null ? null : JSON.stringify(run.params),
];

/** Errors after which each start of a batch is tried alone, so only the refused ones fail. */
const ONE_BY_ONE = new Set(['ER_NO_REFERENCED_ROW_2', 'ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK']);

/** Sorted by (job, slot): batches that insert in one order never deadlock over each other's gap locks. */
function bySlot(x: NewRun, y: NewRun): number {
  if (x.job !== y.job) return x.job < y.job ? -1 : 1;
  return (x.scheduledAt ?? -1) - (y.scheduledAt ?? -1);
}

const ROLL_UP_RUN = addToRollups(MYSQL_ROLLUPS, 'id = ?');
const STATS = statsSql(MYSQL_ROLLUPS);

export class RunTable {
  constructor(
    private readonly pool: Pool,
    private readonly jobs: JobTable,
    private readonly runHistory: number,
  ) {}

  /**
   * The claim: one autocommit INSERT that is also the run's start record. Two unique keys make it
   * exclusive in the database, whatever the nodes' clocks say: (job, scheduled_at) lets one node
   * have a slot (SlotTakenError for the others), and in_flight_job lets a job have one run in
   * flight on all nodes together (JobBusyError).
   */
  async start(run: NewRun): Promise<number> {
    try {
      const header = await execute(this.pool, INSERT_RUNS + RUN_VALUES, runParams(run));
      return header.insertId;
    } catch (error) {
      const code = serverErrorCode(error);
      // The foreign key refuses a run of a job that is not there (or was deleted a moment ago).
      if (code === 'ER_NO_REFERENCED_ROW_2') throw new JobNotFoundError(run.job);
      // Which key refused it is read back (the rare path), never parsed from the message. A
      // deadlock victim wrote nothing; whoever won is read back the same way.
      if (code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK') throw await this.refusal(run);
      throw error;
    }
  }

  private async refusal(run: NewRun): Promise<SlotTakenError | JobBusyError> {
    if (run.scheduledAt === null) return new JobBusyError(run.job);
    const [taken] = await selectRows(this.pool, 'SELECT 1 FROM quickjobs_runs WHERE job = ? AND scheduled_at = ?', [run.job, run.scheduledAt]);
    return taken === undefined ? new JobBusyError(run.job) : new SlotTakenError(run.job, run.scheduledAt);
  }

  /**
   * One multi-row INSERT: one round trip and one commit for a tick's starts, and each row its
   * run's claim (see `start`). InnoDB hands a simple INSERT's rows consecutive ids in every lock
   * mode, so row i has the first id plus i (times the server's auto_increment_increment). A row
   * refused (its job is gone, its slot claimed, its job in flight elsewhere) fails the whole
   * statement, and nothing was written: then each run is tried alone, so only that one is refused.
   */
  async startMany(runs: readonly NewRun[]): Promise<StartAnswer[]> {
    if (runs.length === 1) return [await this.startOne(runs[0]!)];
    const order = runs.map((run, i) => ({ run, i })).sort((x, y) => bySlot(x.run, y.run));
    try {
      const params = order.flatMap(({ run }) => runParams(run));
      const header = await execute(this.pool, INSERT_RUNS + runs.map(() => RUN_VALUES).join(', '), params);
      const step = await this.idStep();
      const answers: StartAnswer[] = new Array(runs.length);
      order.forEach(({ i }, k) => (answers[i] = { ok: true, id: header.insertId + k * step }));
      return answers;
    } catch (error) {
      if (!ONE_BY_ONE.has(serverErrorCode(error) ?? '')) throw error;
      const answers: StartAnswer[] = new Array(runs.length);
      for (const { run, i } of order) answers[i] = await this.startOne(run);
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
      if (error instanceof JobNotFoundError || error instanceof SlotTakenError || error instanceof JobBusyError) return { ok: false, error };
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

  async interruptRunning(at: number, message: string, node?: string): Promise<number> {
    const params: SqlParam[] = [at, JSON.stringify({ message })];
    if (node !== undefined) params.push(node);
    const which = `outcome = 'running'${node === undefined ? '' : ' AND node = ?'}`;
    return transaction(this.pool, async (connection) => {
      for (const sql of addToRollups(MYSQL_ROLLUPS, which, "'interrupted'")) await execute(connection, sql, node === undefined ? [] : [node]);
      const header = await execute(
        connection,
        // Its true start, if it had one, is written only with its end: an interrupted run has none.
        `UPDATE quickjobs_runs SET outcome = 'interrupted', finished_at = ?, error = ? WHERE ${which}`,
        params,
      );
      return header.affectedRows;
    });
  }
}

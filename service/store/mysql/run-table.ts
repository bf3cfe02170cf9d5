/** Runs in MySQL: started, finished (with the job's patch and the rollups in the same transaction), pruned, listed. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { FinishedRun, NewRun, RunRecord } from '../../jobs/types.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../errors.js';
import { type RunRow, runFromRow } from '../rows.js';
import { runConditions } from '../run-filters.js';
import { addToRollups, MYSQL_ROLLUPS } from '../run-rollups.js';
import { statsFromRows, statsReads, statsSql, type StatsRows } from '../run-stats.js';
import type { JobPatch, RunEnd, RunQuery, StartAnswer, StatsQuery, StoreStats } from '../store.js';
import { applyPatches } from './bulk-update.js';
import { mysqlUnavailableReason } from './pool.js';
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

/** `?, ?, ?` */
const marks = (count: number): string => new Array(count).fill('?').join(', ');

/** The rollup statements for `count` runs (their ids as the parameters), kept per batch size. */
const rollUps = new Map<number, string[]>();
function rollUpRuns(count: number): string[] {
  let sql = rollUps.get(count);
  if (sql === undefined) {
    sql = addToRollups(MYSQL_ROLLUPS, `id IN (${marks(count)})`);
    if (rollUps.size < 300) rollUps.set(count, sql);
  }
  return sql;
}

/** The columns a run's end writes, with its values. */
const END_COLUMNS = ['started_at', 'finished_at', 'wait_ms', 'duration_ms', 'result', 'outcome', 'error', 'logs', 'cancelled_by'] as const;
function endValues(finished: FinishedRun): SqlParam[] {
  return [
    finished.startedAt,
    finished.finishedAt,
    finished.waitMs,
    finished.durationMs,
    finished.result,
    finished.outcome,
    finished.error === null ? null : JSON.stringify(finished.error),
    JSON.stringify(finished.logs),
    finished.cancelledBy ?? null,
  ];
}

/** One UPDATE for every run of the batch: `SET col = CASE id WHEN ? THEN ? … END` per column. */
function updateRuns(ends: readonly RunEnd[]): [string, SqlParam[]] {
  if (ends.length === 1) {
    const [end] = ends;
    return [`UPDATE quickjobs_runs SET ${END_COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`, [...endValues(end!.finished), end!.id]];
  }
  const values = ends.map((end) => endValues(end.finished));
  const params: SqlParam[] = [];
  const assignments = END_COLUMNS.map((column, c) => {
    for (let i = 0; i < ends.length; i++) params.push(ends[i]!.id, values[i]![c]!);
    return `${column} = CASE id ${'WHEN ? THEN ? '.repeat(ends.length)}END`;
  });
  params.push(...ends.map((end) => end.id));
  return [`UPDATE quickjobs_runs SET ${assignments.join(', ')} WHERE id IN (${marks(ends.length)})`, params];
}

/**
 * Patches of one shape next to each other, so they go as one statement (bulk-update.ts); kept in
 * their order when a job has more than one, since its patches must apply in turn.
 */
function byShape(patches: Array<{ name: string; patch: JobPatch }>): Array<{ name: string; patch: JobPatch }> {
  if (new Set(patches.map((p) => p.name)).size < patches.length) return patches;
  const shape = (patch: JobPatch) => Object.keys(patch).filter((key) => patch[key as keyof JobPatch] !== undefined).sort().join(',');
  return patches.map((p) => ({ p, shape: shape(p.patch) })).sort((x, y) => (x.shape < y.shape ? -1 : x.shape > y.shape ? 1 : 0)).map(({ p }) => p);
}
const STATS = statsSql(MYSQL_ROLLUPS);

export class RunTable {
  constructor(
    private readonly pool: Pool,
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
    await transaction(this.pool, (connection) => this.record(connection, [{ id, finished, ...(jobPatch ? { jobPatch } : {}) }]));
  }

  /**
   * The ends of runs that ended together: one transaction and a fixed number of statements for
   * the lot (three reads, one UPDATE of the run rows, the rollups, the job patches, the pruning),
   * however many runs. When the server refuses the batch over one row's values (not because it
   * is unavailable), each end is written alone, so the others are recorded and the refused ones
   * fail with their run named; the finish queue keeps those and tries them again.
   */
  async finishMany(ends: readonly RunEnd[]): Promise<void> {
    try {
      await transaction(this.pool, (connection) => this.record(connection, ends));
    } catch (error) {
      if (ends.length === 1 || mysqlUnavailableReason(error) !== null) throw error;
      const refused: string[] = [];
      let first: unknown;
      for (const end of ends) {
        try {
          await transaction(this.pool, (connection) => this.record(connection, [end]));
        } catch (alone) {
          if (mysqlUnavailableReason(alone) !== null) throw alone;
          first ??= alone;
          refused.push(`run ${end.id}: ${(alone as Error).message}`);
        }
      }
      if (refused.length > 0) throw new Error(`the end of ${refused.length} of ${ends.length} runs was refused (${refused.join('; ')})`, { cause: first });
    }
  }

  private async record(connection: PoolConnection, all: readonly RunEnd[]): Promise<void> {
    // A run given twice ends once, as its first end says (the second would find it ended).
    const seen = new Set<number>();
    const ends = all.filter((end) => !seen.has(end.id) && seen.add(end.id));
    const ids = ends.map((end) => end.id);
    const list = marks(ids.length);
    // The runs are gone when their job was deleted while they ran; there is nothing left to record.
    const located = await selectRows<{ job: string }>(connection, `SELECT DISTINCT job FROM quickjobs_runs WHERE id IN (${list})`, ids);
    if (located.length === 0) return;
    // Jobs first, then runs: every writer that touches both takes them in this order (a delete
    // cascades from the job too), and each in key order, so two nodes finishing runs of one job
    // queue up instead of deadlocking over each other's runs in the pruning below.
    const jobs = located.map((row) => row.job);
    await selectRows(connection, `SELECT 1 FROM quickjobs_jobs WHERE name IN (${marks(jobs.length)}) ORDER BY name FOR UPDATE`, jobs);
    const owners = await selectRows<{ id: number; job: string }>(
      connection,
      `SELECT id, job FROM quickjobs_runs WHERE id IN (${list}) AND outcome = 'running' ORDER BY id FOR UPDATE`,
      ids,
    );
    // A run already recorded as interrupted (a shutdown past its deadline, a takeover) stays so,
    // and the schedule it would have led to is not applied. It may also have gone with its job.
    if (owners.length === 0) return;
    const jobOf = new Map(owners.map((row) => [Number(row.id), row.job]));
    const ending = ends.filter((end) => jobOf.has(end.id));
    const endingIds = ending.map((end) => end.id);
    await execute(connection, ...updateRuns(ending));
    for (const sql of rollUpRuns(ending.length)) await execute(connection, sql, endingIds);
    const patches = ending.flatMap((end) => (end.jobPatch === undefined ? [] : [{ name: jobOf.get(end.id)!, patch: end.jobPatch }]));
    if (patches.length > 0) await applyPatches(connection, byShape(patches));
    await this.prune(connection, [...new Set(jobOf.values())], endingIds);
  }

  /**
   * Keeps each job's newest `runHistory` runs. A run still in flight is never pruned (its finish
   * must find it), nor one just finished (its caller is about to show it), however old. Two
   * statements for all the jobs, because MySQL cannot DELETE from a table its own subquery reads.
   */
  private async prune(connection: PoolConnection, jobs: readonly string[], finished: readonly number[]): Promise<void> {
    const cutoffs = await selectRows<{ name: string; cutoff: number | null }>(
      connection,
      `SELECT name, (SELECT r.id FROM quickjobs_runs r WHERE r.job = j.name ORDER BY r.id DESC LIMIT 1 OFFSET ?) AS cutoff
       FROM quickjobs_jobs j WHERE name IN (${marks(jobs.length)})`,
      [this.runHistory, ...jobs],
    );
    const cut = cutoffs.filter((row) => row.cutoff !== null);
    if (cut.length === 0) return;
    await execute(
      connection,
      `DELETE FROM quickjobs_runs WHERE outcome <> 'running' AND id NOT IN (${marks(finished.length)})
         AND (${cut.map(() => '(job = ? AND id <= ?)').join(' OR ')})`,
      [...finished, ...cut.flatMap((row) => [row.name, Number(row.cutoff)])],
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

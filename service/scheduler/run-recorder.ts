/**
 * Everything the store hears about a run, in one place: its start, recorded before it executes
 * (a slot claim belongs in that same write), the job state its end leads to (plan.ts), and its
 * end, which goes through the finish queue so it is never dropped.
 *
 * Starts are group-committed: the starts asked for together (the runs of one tick) go to the
 * store as one batch, one transaction and one round trip, and each run executes
 * once its own row is committed. Each row of a batch is answered on its own, so a row the store
 * refuses (its job is gone; a slot another node claimed) fails only its own run.
 */
import { UnknownPlaceholderError } from '../jobs/param-dates.js';
import { resolveParamDates, type JobParams } from '../jobs/params.js';
import type { By, CodeVersion, Job, NewRun, RunRecord } from '../jobs/types.js';
import { StoreUnavailableError, VersionNotFoundError } from '../store/errors.js';
import { NodeNotHoldingError } from './errors.js';
import type { JobPatch, Store } from '../store/store.js';
import { FinishQueue, type FinishQueueOptions, type Queued } from './finish-queue.js';
import { planAfterRun, type RunEventName } from './plan.js';
import type { RunOutcome, RunStart } from './runner.js';

/** A run recorded as taken up (queued), with the code it is to execute. */
export interface StartedRun {
  id: number;
  job: string;
  trigger: RunStart['trigger'];
  scheduledAt: number | null;
  /** When the service took the run up; the row holding it is committed. */
  queuedAt: number;
  codeVersion: number | null;
  by: By;
  /** The node that claimed it; null in a single-node service. */
  node: string | null;
  /** Undefined when the job has no saved code (the run then ends with an error at once). */
  code: string | undefined;
  /** The source map of a TypeScript job's code; null for JavaScript. */
  sourceMap: string | null;
  /** Only a draft runs safe. */
  mode?: RunStart['mode'];
  /** The params it runs with, dates resolved at its start in the job's zone; secret references as written. */
  params: JobParams;
  /** Why its params could not be resolved (an unknown placeholder): the run then fails at once. */
  paramsError?: string;
}

export interface FinishedRun extends Queued {
  record: RunRecord;
  /** The job state the run leads to; undefined for a manual run, which changes none. */
  patch: JobPatch | undefined;
  event: RunEventName | null;
}

export interface RunRecorderOptions extends FinishQueueOptions {
  store: Store;
  timeZone: string;
  now: () => number;
  /** A time read on this machine's wall clock (the code's start, in its thread), on `now`'s clock. */
  fromWallClock?: (at: number) => number;
  /** This node's id, recorded on each run it claims; null in a single-node service. */
  node?: string | null;
  /** Whether this node may claim runs now (it holds its place in the cluster); always in a single node. */
  holding?: () => boolean;
}

interface PendingStart {
  row: NewRun;
  resolve: (id: number) => void;
  reject: (error: unknown) => void;
}

export class RunRecorder {
  private readonly queue: FinishQueue;
  /** Starts of this turn of the event loop, written together at its end. */
  private batch: PendingStart[] = [];
  /** The newest saved code of each job, so a run's start reads nothing when the job's version has not moved. */
  private readonly codes = new Map<string, CodeVersion>();

  constructor(private readonly options: RunRecorderOptions) {
    this.queue = new FinishQueue({ ...options, writeEnds: (ends) => options.store.finishRuns(ends) });
  }

  /** Runs whose end waits for the store. */
  get waiting(): number {
    return this.queue.size;
  }

  /**
   * Records the run as running and resolves once that is committed; only then may it execute.
   * This record is the run's claim: a slot another node (or this node before a crash) already
   * recorded throws SlotTakenError, a job in flight on any node JobBusyError. Throws what the
   * store throws: nothing has run, so the slot can simply be tried again.
   */
  async start(job: Job, start: RunStart): Promise<StartedRun> {
    const saved = start.code === undefined ? await this.savedCode(job, start.codeVersion) : null;
    const codeVersion = saved ? saved.version : null;
    const queuedAt = this.options.now();
    const by = start.by ?? null;
    const node = this.options.node ?? null;
    const { params, paramsError } = this.resolveDates(job, start.params ?? job.params, queuedAt);
    const row: NewRun = { job: job.name, trigger: start.trigger, scheduledAt: start.scheduledAt, queuedAt, codeVersion, by, node, params };
    let id: number;
    try {
      id = await this.record(row);
    } catch (error) {
      // Cut or timed out, the start may still have been committed without our hearing of it; such
      // a row would stay `running` for a run that never executed. Close it once the store is back.
      if (error instanceof StoreUnavailableError) this.queue.add({ what: { job: job.name, queuedAt }, write: () => this.abandon(job.name, queuedAt) });
      throw error;
    }
    const mode = start.code !== undefined && start.mode === 'safe' ? { mode: 'safe' as const } : {};
    const failed = paramsError === undefined ? {} : { paramsError };
    return { id, job: job.name, trigger: start.trigger, scheduledAt: start.scheduledAt, queuedAt, codeVersion, by, node, ...runnable(start, saved), ...mode, params, ...failed };
  }

  /** The params' dates at the run's start, in the job's zone (SPEC §13). */
  private resolveDates(job: Job, written: JobParams, now: number): { params: JobParams; paramsError?: string } {
    try {
      return { params: resolveParamDates(written, now, job.timezone ?? this.options.timeZone) };
    } catch (error) {
      if (!(error instanceof UnknownPlaceholderError)) throw error;
      return { params: written, paramsError: `the job's params could not be resolved: ${error.message}` };
    }
  }

  /** Forgets a deleted job's code. */
  forget(job: string): void {
    this.codes.delete(job);
  }

  private async savedCode(job: Job, version?: number): Promise<CodeVersion | null> {
    if (version !== undefined) {
      const older = await this.options.store.getCode(job.name, version);
      if (older === null) throw new VersionNotFoundError(job.name, version);
      return older;
    }
    const cached = this.codes.get(job.name);
    if (cached !== undefined && cached.version === job.version) return cached;
    const saved = await this.options.store.getCode(job.name);
    if (saved) this.codes.set(job.name, saved);
    else this.codes.delete(job.name);
    return saved;
  }

  /** Joins this turn's batch of starts; resolves to the run's id once its row is committed. */
  private record(row: NewRun): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      // Flushed once the launches of this tick have all joined: they reach here in the same run
      // of microtasks (the code comes from the cache; the tick launches synchronously).
      if (this.batch.length === 0) queueMicrotask(() => void this.flush());
      this.batch.push({ row, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    // Asked again as the claims leave, not only when the tick chose them: the node may have been
    // paused in between (a stalled event loop, a stopped process) long enough to be found dead.
    if (this.options.holding?.() === false) {
      for (const pending of batch) pending.reject(new NodeNotHoldingError(pending.row.job));
      return;
    }
    let answers;
    try {
      answers = await this.options.store.startRuns(batch.map((pending) => pending.row));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const answer = answers[i];
      if (answer === undefined) pending.reject(new Error('the store answered fewer starts than it was given'));
      else if (answer.ok) pending.resolve(answer.id);
      else pending.reject(answer.error);
    });
  }

  /**
   * Records how the run ended. For a scheduled run, `current` is the job as it is now (a person
   * may have edited it while it ran) and the patch planned from it is written with the run, in one
   * transaction. The write is queued: `written` resolves once it is in the store, however long the
   * store takes to come back.
   */
  finish(started: StartedRun, outcome: RunOutcome, current: Job | undefined, cancelledBy: By = null): FinishedRun {
    const finishedAt = this.options.now();
    // The worker's clock and this one are the same wall clock; a finish stamped a hair before the
    // code's start (clock granularity) still reads as 0 ms.
    const { fromWallClock } = this.options;
    const startedAt = outcome.startedAt == null ? null : fromWallClock ? fromWallClock(outcome.startedAt) : outcome.startedAt;
    const record: RunRecord = {
      id: started.id,
      job: started.job,
      trigger: started.trigger,
      scheduledAt: started.scheduledAt,
      queuedAt: started.queuedAt,
      startedAt,
      finishedAt,
      waitMs: startedAt === null ? null : Math.max(0, startedAt - (started.scheduledAt ?? started.queuedAt)),
      durationMs: startedAt === null ? null : Math.max(0, finishedAt - startedAt),
      result: outcome.outcome === 'success' ? outcome.result : null,
      outcome: outcome.outcome,
      error: outcome.outcome === 'success' ? null : outcome.error,
      logs: outcome.logs,
      codeVersion: started.codeVersion,
      by: started.by,
      cancelledBy: outcome.outcome === 'cancelled' ? cancelledBy : null,
      node: started.node,
      params: started.params,
      ...(outcome.held ? { held: outcome.held } : {}),
    };
    const { patch, event } = current && started.scheduledAt !== null ? this.plan(current, record, started.scheduledAt) : { patch: undefined, event: null };
    const queued = this.queue.add({
      what: { job: started.job, run: started.id },
      write: () => this.options.store.finishRun(started.id, record, patch),
      end: { id: started.id, finished: record, ...(patch ? { jobPatch: patch } : {}) },
    });
    return { record, patch, event, ...queued };
  }

  /** Stops retrying (the store is closing). */
  stop(): void {
    this.queue.stop();
  }

  /** Records a start the store may have taken without saying so as interrupted: it never executed. */
  private async abandon(job: string, queuedAt: number): Promise<void> {
    const { store } = this.options;
    // Read the claim back: only a row this node wrote, at this start, is the orphan.
    const recent = await store.listRuns({ job, limit: 20 });
    const node = this.options.node ?? null;
    const orphan = recent.find((run) => run.queuedAt === queuedAt && run.outcome === 'running' && run.node === node);
    if (orphan === undefined) return;
    await store.finishRun(orphan.id, {
      startedAt: null,
      finishedAt: this.options.now(),
      waitMs: null,
      durationMs: null,
      result: null,
      outcome: 'interrupted',
      error: { message: 'the store did not confirm the start of this run, so it never executed' },
      logs: [],
    });
  }

  private plan(current: Job, record: RunRecord, scheduledAt: number): { patch: JobPatch; event: RunEventName | null } {
    const planned = planAfterRun(
      current,
      {
        trigger: record.trigger,
        scheduledAt,
        startedAt: record.startedAt ?? record.queuedAt,
        result: record.result,
        error: record.error?.message ?? null,
        interrupted: record.outcome === 'interrupted',
        cancelled: record.outcome === 'cancelled',
      },
      record.finishedAt!,
      this.options.timeZone,
    );
    // Deactivated by a person mid-run: record the run, do not wake the job up again.
    if (!current.active) return { patch: { ...planned.patch, active: false, status: 'exit', nextRunAt: null }, event: planned.event };
    return planned;
  }
}

/** The JavaScript a run executes and, for TypeScript, its source map: the draft's, else the saved version's. */
function runnable(start: RunStart, saved: CodeVersion | null): { code: string | undefined; sourceMap: string | null } {
  if (start.code !== undefined) return { code: start.code, sourceMap: start.sourceMap ?? null };
  if (!saved) return { code: undefined, sourceMap: null };
  return { code: saved.compiled ?? saved.code, sourceMap: saved.sourceMap };
}

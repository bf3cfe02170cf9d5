/**
 * Everything the store hears about a run, in one place: its start, recorded before it executes
 * (a slot claim belongs in that same write), the job state its end leads to (plan.ts), and its
 * end, which goes through the finish queue so it is never dropped.
 */
import type { Job, RunRecord } from '../jobs/types.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { JobPatch, Store } from '../store/store.js';
import { FinishQueue, type FinishQueueOptions, type Queued } from './finish-queue.js';
import { planAfterRun, type RunEventName } from './plan.js';
import type { RunOutcome, RunStart } from './runner.js';

/** A run recorded as running, with the code it is to execute. */
export interface StartedRun {
  id: number;
  job: string;
  trigger: RunStart['trigger'];
  scheduledAt: number | null;
  startedAt: number;
  codeVersion: number | null;
  /** Undefined when the job has no saved code (the run then ends with an error at once). */
  code: string | undefined;
  /** Only a draft runs safe. */
  mode?: RunStart['mode'];
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
}

export class RunRecorder {
  private readonly queue: FinishQueue;

  constructor(private readonly options: RunRecorderOptions) {
    this.queue = new FinishQueue(options);
  }

  /** Runs whose end waits for the store. */
  get waiting(): number {
    return this.queue.size;
  }

  /**
   * Records the run as running and resolves once that is committed; only then may it execute.
   * Throws what the store throws: nothing has run, so the slot can simply be tried again.
   */
  async start(job: Job, start: RunStart): Promise<StartedRun> {
    const { store } = this.options;
    const saved = start.code === undefined ? await store.getCode(job.name) : null;
    const codeVersion = saved ? saved.version : null;
    const startedAt = this.options.now();
    let id: number;
    try {
      id = await store.startRun({ job: job.name, trigger: start.trigger, scheduledAt: start.scheduledAt, startedAt, codeVersion });
    } catch (error) {
      // Cut or timed out, the start may still have been committed without our hearing of it; such
      // a row would stay `running` for a run that never executed. Close it once the store is back.
      if (error instanceof StoreUnavailableError) this.queue.add({ what: { job: job.name, startedAt }, write: () => this.abandon(job.name, startedAt) });
      throw error;
    }
    const mode = start.code !== undefined && start.mode === 'safe' ? { mode: 'safe' as const } : {};
    return { id, job: job.name, trigger: start.trigger, scheduledAt: start.scheduledAt, startedAt, codeVersion, code: start.code ?? saved?.code, ...mode };
  }

  /**
   * Records how the run ended. For a scheduled run, `current` is the job as it is now (a person
   * may have edited it while it ran) and the patch planned from it is written with the run, in one
   * transaction. The write is queued: `written` resolves once it is in the store, however long the
   * store takes to come back.
   */
  finish(started: StartedRun, outcome: RunOutcome, current: Job | undefined): FinishedRun {
    const finishedAt = this.options.now();
    const record: RunRecord = {
      id: started.id,
      job: started.job,
      trigger: started.trigger,
      scheduledAt: started.scheduledAt,
      startedAt: started.startedAt,
      finishedAt,
      durationMs: finishedAt - started.startedAt,
      result: outcome.outcome === 'success' ? outcome.result : null,
      outcome: outcome.outcome,
      error: outcome.outcome === 'success' ? null : outcome.error,
      logs: outcome.logs,
      codeVersion: started.codeVersion,
      ...(outcome.held ? { held: outcome.held } : {}),
    };
    const { patch, event } = current && started.scheduledAt !== null ? this.plan(current, record, started.scheduledAt) : { patch: undefined, event: null };
    const queued = this.queue.add({
      what: { job: started.job, run: started.id },
      write: () => this.options.store.finishRun(started.id, record, patch),
    });
    return { record, patch, event, ...queued };
  }

  /** Stops retrying (the store is closing). */
  stop(): void {
    this.queue.stop();
  }

  /** Records a start the store may have taken without saying so as interrupted: it never executed. */
  private async abandon(job: string, startedAt: number): Promise<void> {
    const { store } = this.options;
    const recent = await store.listRuns({ job, limit: 20 });
    const orphan = recent.find((run) => run.startedAt === startedAt && run.outcome === 'running');
    if (orphan === undefined) return;
    await store.finishRun(orphan.id, {
      finishedAt: this.options.now(),
      durationMs: 0,
      result: null,
      outcome: 'interrupted',
      error: { message: 'the store did not confirm the start of this run, so it never executed' },
      logs: [],
    });
  }

  private plan(current: Job, record: RunRecord, scheduledAt: number): { patch: JobPatch; event: RunEventName | null } {
    const planned = planAfterRun(
      current,
      { trigger: record.trigger, scheduledAt, startedAt: record.startedAt, result: record.result, error: record.error?.message ?? null },
      record.finishedAt!,
      this.options.timeZone,
    );
    // Deactivated by a person mid-run: record the run, do not wake the job up again.
    if (!current.active) return { patch: { ...planned.patch, active: false, status: 'exit', nextRunAt: null }, event: planned.event };
    return planned;
  }
}

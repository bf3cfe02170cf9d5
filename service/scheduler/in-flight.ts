/**
 * What this node has in flight: per job, the run that holds it (no overlap: a job is not launched
 * again until its run's end is in the store); per run id, whether it waits for a sandbox thread or
 * runs on one (`/runs/:id` and `/status`), and how to cancel it and await its recorded end.
 */
import type { By, InFlightOutcome } from '../jobs/types.js';
import type { FinishedRun } from './run-recorder.js';

/** A run in flight: how to cancel it, and its end once recorded. */
interface Cancellable {
  controller: AbortController;
  /** Set by `cancel` before it aborts, so the recorder writes who cancelled. */
  cancelledBy: By | undefined;
  /** Set by `interruptAll` before it aborts: why the run is recorded interrupted, not cancelled. */
  interrupted: string | undefined;
  finished: Promise<FinishedRun>;
}

/** The handle of one run from its recorded start to its recorded end. */
export interface Flight {
  signal: AbortSignal;
  /** Who cancelled it; undefined when nobody did. */
  cancelledBy(): By | undefined;
  /** Why it was interrupted; undefined when it was not. */
  interrupted(): string | undefined;
  recorded(finished: FinishedRun): void;
  failed(error: unknown): void;
}

export class InFlight {
  private readonly byJob = new Map<string, Promise<unknown>>();
  private readonly runs = new Map<number, InFlightOutcome>();
  private readonly cancels = new Map<number, Cancellable>();

  /** The run is recorded and waits for a thread: cancellable from now until `ended`. */
  begin(id: number): Flight {
    let recorded!: (finished: FinishedRun) => void;
    let failed!: (error: unknown) => void;
    const entry: Cancellable = {
      controller: new AbortController(),
      cancelledBy: undefined,
      interrupted: undefined,
      finished: new Promise<FinishedRun>((resolve, reject) => {
        recorded = resolve;
        failed = reject;
      }),
    };
    entry.finished.catch(() => undefined);
    this.runs.set(id, 'queued');
    this.cancels.set(id, entry);
    return { signal: entry.controller.signal, cancelledBy: () => entry.cancelledBy, interrupted: () => entry.interrupted, recorded, failed };
  }

  /** Aborts run `id` (once) and resolves to its recorded end; null when it is not in flight here. */
  async cancel(id: number, by: By): Promise<FinishedRun | null> {
    const run = this.cancels.get(id);
    if (!run) return null;
    if (!run.controller.signal.aborted) {
      run.cancelledBy = by;
      run.controller.abort(`cancelled by ${by ?? 'the service'}`);
    }
    return run.finished;
  }

  /** Ends every run in flight here as interrupted, for `reason`; how many it ended. */
  interruptAll(reason: string): number {
    let count = 0;
    for (const run of this.cancels.values()) {
      if (run.controller.signal.aborted) continue;
      run.interrupted = reason;
      run.controller.abort(reason);
      count++;
    }
    return count;
  }

  /** The run's end is recorded (or failed to be): nothing to cancel any more. */
  ended(id: number): void {
    this.cancels.delete(id);
  }

  /** Whether the job has a run held in flight on this node. */
  has(job: string): boolean {
    return this.byJob.has(job);
  }

  /** Holds the job until `release` with the same promise. */
  hold(job: string, run: Promise<unknown>): void {
    this.byJob.set(job, run);
  }

  /** Lets the job go, unless a newer run holds it by now. */
  release(job: string, run: Promise<unknown>): void {
    if (this.byJob.get(job) === run) this.byJob.delete(job);
  }

  /** The run took a thread (unless it already ended). */
  onThread(id: number): void {
    if (this.runs.has(id)) this.runs.set(id, 'running');
  }

  /** The run's code is done (its end is still to be recorded). */
  executed(id: number): void {
    this.runs.delete(id);
  }

  outcome(id: number): InFlightOutcome | undefined {
    return this.runs.get(id);
  }

  get runningCount(): number {
    let running = 0;
    for (const outcome of this.runs.values()) if (outcome === 'running') running++;
    return running;
  }

  get queuedCount(): number {
    return this.runs.size - this.runningCount;
  }

  /** Resolves true when no job is held, or false when the deadline passes first. */
  async drain(deadlineMs: number): Promise<boolean> {
    const deadline = new Promise<false>((resolve) => setTimeout(resolve, deadlineMs, false).unref());
    while (this.byJob.size > 0) {
      const settled = await Promise.race([Promise.allSettled([...this.byJob.values()]).then(() => true), deadline]);
      if (!settled) return this.byJob.size === 0;
    }
    return true;
  }
}

/**
 * What this node has in flight: per job, the run that holds it (no overlap: a job is not launched
 * again until its run's end is in the store), and per run id, whether it waits for a sandbox
 * thread or runs on one (`/runs/:id` and `/status`).
 */
import type { InFlightOutcome } from '../jobs/types.js';

export class InFlight {
  private readonly byJob = new Map<string, Promise<unknown>>();
  private readonly runs = new Map<number, InFlightOutcome>();

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

  /** The run is recorded and waits for a thread. */
  queued(id: number): void {
    this.runs.set(id, 'queued');
  }

  /** The run took a thread (unless it already ended). */
  onThread(id: number): void {
    if (this.runs.has(id)) this.runs.set(id, 'running');
  }

  ended(id: number): void {
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

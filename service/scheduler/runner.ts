/**
 * What the scheduler needs from whatever executes jobs. It knows nothing of QuickJS or workers.
 */
import type { Job, RunRecord, RunTrigger } from '../jobs/types.js';
import type { JobPatch } from '../store/store.js';

export interface RunStart {
  trigger: RunTrigger;
  /** The slot a scheduled run was due at; null for a manual run. */
  scheduledAt: number | null;
  /** Draft code to run instead of the saved code (never saved). */
  code?: string;
}

/**
 * Called once the run has ended and before it is recorded, so the run and the job state it leads
 * to are written in one transaction. Resolves to the job patch, or undefined to leave the job alone.
 */
export type DecideAfterRun = (run: RunRecord) => JobPatch | undefined;

export interface Runner {
  /** Records the run as running, executes it, records how it ended; resolves to the finished run. */
  run(job: Job, start: RunStart, decide: DecideAfterRun): Promise<RunRecord>;
}

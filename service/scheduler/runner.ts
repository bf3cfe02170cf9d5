/**
 * What the scheduler needs from whatever executes jobs. It knows nothing of QuickJS or workers,
 * and a runner writes nothing: the scheduler's run recorder records the run before and after.
 */
import type { Held } from '../jobs/held.js';
import type { JobParams } from '../jobs/params.js';
import type { By, Job, JobResult, LogEntry, RunError, RunMode, RunTrigger } from '../jobs/types.js';

export interface RunStart {
  trigger: RunTrigger;
  /** The slot a scheduled run was due at; null for a manual run. */
  scheduledAt: number | null;
  /** Draft code to run instead of the saved code (never saved). */
  code?: string;
  /** The draft's source map when it was stripped from TypeScript (jobs/source-map.ts). */
  sourceMap?: string | null;
  /** Who asked for it; null (the default) for the scheduler. */
  by?: By;
  /** `safe` holds the draft's side effects (SPEC §10); saved code always runs live. */
  mode?: RunMode;
  /** The params to run with, as written (a manual run's merged over the job's, a rerun's as recorded); absent: the job's own. */
  params?: JobParams;
  /** Runs this saved version instead of the newest (a rerun of an older run). */
  codeVersion?: number;
}

/** One run to execute, already recorded (as queued) under `runId`. */
export interface RunRequest {
  job: Job;
  runId: number;
  trigger: RunTrigger;
  /** The JavaScript to run (a TypeScript job's stripped code). */
  code: string;
  /** A TypeScript job's source map: the runner maps the run's error and log positions back through it. */
  sourceMap?: string | null;
  /** Called when the run stops waiting and takes a sandbox thread of its own. */
  onThread?: () => void;
  /** Aborted to cancel the run; the runner then resolves with outcome `cancelled`. */
  signal?: AbortSignal;
  /** Absent: live. */
  mode?: RunMode;
  /** The params with their dates resolved; secret references are still to be resolved (SPEC §13). */
  params: JobParams;
}

/**
 * How an execution ended. A job's failure is a value here, never a rejection. `startedAt` is when
 * the job's code began (epoch ms), absent if it never did.
 */
export type RunOutcome = (
  | { outcome: 'success'; result: JobResult; logs: LogEntry[] }
  | { outcome: 'error' | 'timeout' | 'interrupted' | 'cancelled'; error: RunError; logs: LogEntry[] }
) & {
  startedAt?: number;
  /** What a safe draft held instead of doing. */
  held?: Held;
};

/** Draft code as the job service hands it on: JavaScript, or JavaScript stripped from TypeScript with its map. */
export type DraftCode = string | { code: string; sourceMap: string | null };

export interface Runner {
  /** Executes the run and resolves to how it ended; rejects only for a fault of the host. */
  execute(request: RunRequest): Promise<RunOutcome>;
}

/**
 * The job and run records as the service keeps them. Times are epoch milliseconds inside the
 * service; the HTTP edge turns them into ISO 8601 strings.
 */
import type { JobResult, LogEntry, RunError, RunMode, RunTrigger } from '../../sandbox/types.js';
import type { Held } from './held.js';
import type { JobParams } from './params.js';

export type { JobResult, LogEntry, RunError, RunMode, RunTrigger };

export const JOB_STATUSES = ['ok', 'sleep', 'stop', 'exit', 'once-pending', 'once-done'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type MissedPolicy = 'once' | 'skip';
/** `exit` deactivates the job on an error (the default); `continue` schedules it as after `OK`. */
export type OnErrorPolicy = 'exit' | 'continue';

/** What a job's code is written in; TypeScript is stripped to JavaScript when it is saved (SPEC §11). */
export const JOB_LANGUAGES = ['javascript', 'typescript'] as const;
export type JobLanguage = (typeof JOB_LANGUAGES)[number];

/** Who a job belongs to: the bootstrap folder keeps it in step with its file until a person edits it. */
export type JobOwner = 'user' | 'folder';

export interface Notify {
  email: string[];
  webhook: string | null;
}

/** What a person sets on a job. */
export interface JobSettings {
  description: string;
  language: JobLanguage;
  interval: number | null;
  cron: string | null;
  /** IANA zone for `cron`; null means the service zone. */
  timezone: string | null;
  /** The period (SPEC §12) its scheduled runs are limited to; null means any time. */
  period: string | null;
  runOnce: boolean;
  active: boolean;
  /** Seconds of wall-clock time per run. */
  timeout: number;
  missed: MissedPolicy;
  onError: OnErrorPolicy;
  /** Null means the service defaults. */
  notify: Notify | null;
  /** What the job reads as `job.params` (SPEC §13), as written: placeholders and secret references unresolved. */
  params: JobParams;
}

/** What the scheduler keeps about a job between runs. */
export interface JobState {
  status: JobStatus;
  nextRunAt: number | null;
  lastRunAt: number | null;
  /** The slot the last scheduled run was due at; the next `OK` slot counts from it (no drift). */
  lastScheduledAt: number | null;
  lastResult: JobResult | null;
  lastError: string | null;
  /** True from a deactivating error until the next successful run (for `job.recovered`). */
  failing: boolean;
}

/** The state of a job that has never run: what creation starts from, before its schedule is planned. */
export const NEW_JOB_STATE: JobState = {
  status: 'ok',
  nextRunAt: null,
  lastRunAt: null,
  lastScheduledAt: null,
  lastResult: null,
  lastError: null,
  failing: false,
};

export interface Job extends JobSettings, JobState {
  name: string;
  path: string;
  /** The newest saved code version. */
  version: number;
  owner: JobOwner;
  /** Hash of the bootstrap file the job was last read from (folder-owned jobs). */
  sourceHash: string | null;
  createdAt: number;
  updatedAt: number;
  /** The user who created it, and who last changed it; null for the jobs folder (and jobs older than users). */
  createdBy?: string | null;
  updatedBy?: string | null;
}

/**
 * Every outcome a run can have, the one list: the API's filter, the stats, the metrics and the
 * webmin's icons are built from it. `queued` and `running` are a run in flight (waiting for a
 * sandbox thread, then on one); the others are how it ended, `cancelled` when a person stopped it
 * (not an error).
 */
export const RUN_OUTCOMES = ['queued', 'running', 'success', 'error', 'timeout', 'interrupted', 'cancelled'] as const;
export type RunOutcomeName = (typeof RUN_OUTCOMES)[number];
/** Outcomes of a run still in flight. */
export type InFlightOutcome = Extract<RunOutcomeName, 'queued' | 'running'>;

/** Who started a run or saved a code version: a user's name (SPEC §14), or null for the service itself. */
export type ActorName = string;
export type By = ActorName | null;

export interface RunRecord {
  id: number;
  job: string;
  trigger: RunTrigger;
  /** The slot a scheduled run was due at; null for manual runs. */
  scheduledAt: number | null;
  /** When the service took the run up; recorded durably before anything else. */
  queuedAt: number;
  /** When the job's code began in its sandbox; null while queued, or if it never began. */
  startedAt: number | null;
  finishedAt: number | null;
  /** startedAt − (scheduledAt for a scheduled run, else queuedAt); null until it started. */
  waitMs: number | null;
  /** finishedAt − startedAt: the code's own time; null until it ended, or if it never began. */
  durationMs: number | null;
  result: JobResult | null;
  outcome: RunOutcomeName;
  error: RunError | null;
  logs: LogEntry[];
  /** The code version that ran; null for an unsaved draft. */
  codeVersion: number | null;
  /** Who started it; null for the scheduler. */
  by: By;
  /** Who cancelled it; null unless its outcome is `cancelled`. */
  cancelledBy: By;
  /** A safe draft's held side effects; answered with the run, not kept in the store. */
  held?: Held;
  /** The node that ran it (QUICKJOBS_NODE_ID); null for runs recorded before nodes were named. */
  node: string | null;
  /**
   * The params it ran with, dates resolved, secret references kept as written (the API shows them
   * as `***`); null for runs recorded before params existed.
   */
  params: JobParams | null;
}

export type NewRun = Pick<RunRecord, 'job' | 'trigger' | 'scheduledAt' | 'queuedAt' | 'codeVersion'> & { by?: By; node?: string | null; params?: JobParams | null };

export type FinishedRun = Pick<RunRecord, 'startedAt' | 'finishedAt' | 'waitMs' | 'durationMs' | 'result' | 'outcome' | 'error' | 'logs'> & {
  cancelledBy?: By;
};

/**
 * The code of a version as saved: the source as written and, for TypeScript, the JavaScript that
 * runs and the source map from it to the source (jobs/typescript.ts).
 */
export interface CodeText {
  code: string;
  compiled: string | null;
  sourceMap: string | null;
}

export interface CodeVersion extends CodeText {
  job: string;
  version: number;
  savedAt: number;
  /** Who saved it; null for the jobs folder or the service. */
  by: By;
}

export interface CodeVersionInfo {
  version: number;
  savedAt: number;
  bytes: number;
  by: By;
}

/** One alert (email or webhook) about a job, with every delivery attempt. */
export interface AlertDelivery {
  id: number;
  job: string;
  event: 'job.failed' | 'job.recovered';
  channel: 'email' | 'webhook';
  target: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: Array<{ at: number; ok: boolean; status?: number; error?: string }>;
  createdAt: number;
  updatedAt: number;
}

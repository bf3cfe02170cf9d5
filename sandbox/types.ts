/**
 * The contract between the sandbox and whoever runs jobs in it. The sandbox imports nothing of
 * the service; the service names a module whose `HostCall` answers the guest's `core.*` I/O inside
 * each worker thread (in-thread-host.ts).
 */

import type { HostCallName, JobResult } from './core-names.js';

export { HOST_CALLS, JOB_RESULTS, type HostCallName, type JobResult } from './core-names.js';

/** Why a run started: its slot, a person (saved code, or an unsaved `draft`), or a Run Once job's slot. */
export const RUN_TRIGGERS = ['schedule', 'manual', 'boot', 'draft'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export type LogLevel = 'info' | 'warn' | 'error';

/** One line of a run's log. `at` is an ISO 8601 UTC time. */
export interface LogEntry {
  at: string;
  level: LogLevel;
  message: string;
}

/** Where in the script an error happened, when QuickJS tells us. */
export interface RunError {
  message: string;
  line?: number;
  column?: number;
}

/** Everything a run needs; plain data so it crosses a worker boundary. */
export interface RunRequest {
  /** The job's name, seen by the guest as `job.name`. */
  jobName: string;
  /** The script: the body of an async function that returns the job object. */
  code: string;
  trigger: RunTrigger;
  /** ISO time of the job's previous run, seen as `job.lastRunAt`. */
  lastRunAt: string | null;
  /** Wall-clock limit for the whole run, host waits included. */
  timeoutMs: number;
  /** Guest heap limit. */
  memoryBytes: number;
  /** Zone for the time helpers' `localTime` (IANA name). */
  timeZone: string;
  /** Log cap in bytes; the rest is cut with a marker line. */
  logLimitBytes: number;
  /** What the guest reads as `job.params` (deep-frozen there), resolved: plain JSON. Absent: `{}`. */
  params?: Record<string, unknown>;
  /**
   * `safe`: the host holds the run's side effects (a draft) and hands back what it held as the
   * outcome's `held`. Absent or `live`: the run acts for real.
   */
  mode?: RunMode;
}

export type RunMode = 'safe' | 'live';

/**
 * How a run ended. Guest failures are values, never exceptions: `error` covers a throw, a syntax
 * error, an invalid return, the memory limit and a sandbox thread the job's own code crashed;
 * `timeout` the wall-clock limit; `interrupted` a run cut short through no fault of its own (its
 * thread died of something else).
 */
export type RunOutcome = (
  | { outcome: 'success'; result: JobResult; logs: LogEntry[] }
  | { outcome: 'error' | 'timeout' | 'interrupted' | 'cancelled'; error: RunError; logs: LogEntry[] }
) & {
  /**
   * When the job's code began (epoch ms): the moment the worker handed it to QuickJS. Absent when
   * it never began (the run ended while it waited for a thread).
   */
  startedAt?: number;
  /** A safe run's held side effects, as its host reported them (plain data). */
  held?: unknown;
};

/**
 * Answers one `core.*` call from the guest. `name` is one of `HOST_CALLS`; `args` are the guest's
 * arguments as JSON values. Resolves to the Lua-style tuple `[result, err, code]`; it never rejects
 * for an operational failure (a rejection is reported to the guest as `[null, message, -1]`).
 */
export type HostCall = (name: HostCallName, args: unknown[], context: HostCallContext) => Promise<HostTuple>;

export type HostTuple = [result: unknown, err: string | null, code: number | null];

export interface HostCallContext {
  jobName: string;
  /** Aborted when the run ends (timeout, error, or done), so slow host work can stop early. */
  signal: AbortSignal;
  /**
   * Set for a safe run only: one object per run, the same for each of its calls, which the host
   * keys what it holds on; the worker hands it to `InThreadHost.endDraft` when the run ends.
   */
  draft?: object;
}

/** Per-run hooks the pool calls while a run is in flight. */
export interface RunHooks {
  /** Called for every log line as it is written (before the cap marker, after it nothing). */
  onLog?: (entry: LogEntry) => void;
  /** Called once, when the run leaves the queue for a thread of its own (it is no longer waiting). */
  onThread?: () => void;
  /**
   * Cancels the run when aborted: it ends at once as `cancelled` (its reason, a string, as the
   * message), its pending host calls are aborted and guest code still executing is interrupted.
   */
  signal?: AbortSignal;
}

/** The result of checking a script without running it. */
export type CheckResult = { ok: true } | { ok: false; error: RunError };

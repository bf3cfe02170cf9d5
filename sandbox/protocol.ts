/**
 * Messages between the pool (main thread) and a sandbox worker. Plain data: they are structured-
 * cloned across the thread boundary.
 */
import type { RunEnd } from './runtime.js';
import type { LogEntry, RunRequest } from './types.js';

/** One sandbox thread's memory, in bytes. */
export interface ThreadMemory {
  /** The thread's V8 heap in use (after a full collection when asked for one: what it keeps alive). */
  heapUsed: number;
  /** The thread's V8 heap as reserved from the system. */
  heapTotal: number;
  /** The QuickJS module's WASM memory (pre-grown; untouched pages are not resident). */
  wasm: number;
}

export type ToWorker =
  /** Start a run. Acknowledged by an `events` message with `idle` once the guest waits or ends. */
  | { type: 'start'; runId: number; request: RunRequest }
  /** Answer a host call (`json` is the tuple) or end a pause (no `json`). Acknowledged like `start`. */
  | { type: 'reply'; runId: number; callId: number; json?: string }
  /** Drop a run the pool has already ended. Not acknowledged: it runs no guest code. */
  | { type: 'cancel'; runId: number }
  /** Close the in-thread host (its connections) before the thread is terminated; answered by `closed`. */
  | { type: 'close' }
  /** Report the thread's memory, after a full collection if `collect`; answered by `memory`. Runs no guest code. */
  | { type: 'memory'; collect: boolean };

/** What a run asks of the pool, or how it ended. */
export type RunReport =
  /** The worker handed the run's code to QuickJS at `at` (epoch ms). */
  | { type: 'began'; runId: number; at: number }
  | { type: 'log'; runId: number; entry: LogEntry }
  | { type: 'sleep'; runId: number; callId: number; ms: number }
  | { type: 'end'; runId: number; end: RunEnd };

export type FromWorker =
  | { type: 'ready' }
  /**
   * Run events in the order they happened, batched: one message per `start` or `reply` handled
   * (and more during a long one, so log lines still stream). `idle` is set on the message that
   * finishes handling a `start` or `reply`: the worker is not executing guest code for it.
   */
  | { type: 'events'; events: RunReport[]; idle: boolean }
  /**
   * The worker resumed a run itself (a host call answered in-thread) and is still executing guest
   * code a while later: one unit of work, acknowledged like a `start` by an `events` with `idle`.
   * Short resumptions are not reported, so a run making many quick host calls costs no messages.
   */
  | { type: 'busy' }
  /** The in-thread host is closed; the thread may be terminated. */
  | { type: 'closed' }
  | { type: 'memory'; memory: ThreadMemory }
  /**
   * QuickJS or the in-thread host failed (before `ready`: the host module failed to start); the
   * worker must be replaced. Its runs are lost. `runId` names the run whose guest code was
   * executing when it failed: its fault, where the others' is not.
   */
  | { type: 'fatal'; message: string; runId?: number };

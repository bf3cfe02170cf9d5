/**
 * Messages between the pool (main thread) and a sandbox worker. Plain data: they are structured-
 * cloned across the thread boundary.
 */
import type { RunEnd } from './runtime.js';
import type { LogEntry, RunRequest } from './types.js';

export type ToWorker =
  /** Start a run. Acknowledged with `idle` once the guest waits or ends. */
  | { type: 'start'; runId: number; request: RunRequest }
  /** Answer a host call (`json` is the tuple) or end a pause (no `json`). Acknowledged with `idle`. */
  | { type: 'reply'; runId: number; callId: number; json?: string }
  /** Drop a run the pool has already ended. Not acknowledged: it runs no guest code. */
  | { type: 'cancel'; runId: number };

export type FromWorker =
  | { type: 'ready' }
  /** The worker finished handling one `start` or `reply`: it is not executing guest code for it. */
  | { type: 'idle' }
  | { type: 'log'; runId: number; entry: LogEntry }
  | { type: 'call'; runId: number; callId: number; name: string; argsJson: string }
  | { type: 'sleep'; runId: number; callId: number; ms: number }
  | { type: 'end'; runId: number; end: RunEnd }
  /** QuickJS failed on the host side; the worker must be replaced. Its runs are lost. */
  | { type: 'fatal'; message: string };

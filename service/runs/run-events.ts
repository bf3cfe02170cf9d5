/**
 * Live logs of the runs in flight, for `GET /api/v1/runs/:id/events`. A run is known here from its
 * start until its end has been recorded; after that its record comes from the store.
 */
import type { LogEntry, RunRecord } from '../jobs/types.js';

export interface RunListener {
  log(entry: LogEntry): void;
  end(run: RunRecord): void;
}

interface LiveRun {
  logs: LogEntry[];
  listeners: Set<RunListener>;
}

export class RunEvents {
  private readonly live = new Map<number, LiveRun>();

  started(id: number): void {
    this.live.set(id, { logs: [], listeners: new Set() });
  }

  log(id: number, entry: LogEntry): void {
    const run = this.live.get(id);
    if (!run) return;
    run.logs.push(entry);
    for (const listener of run.listeners) listener.log(entry);
  }

  ended(run: RunRecord): void {
    const live = this.live.get(run.id);
    if (!live) return;
    this.live.delete(run.id);
    for (const listener of live.listeners) listener.end(run);
  }

  /**
   * Replays the lines written so far, then streams the rest. Resolves to an unsubscribe function,
   * or to null when the run is not in flight (it has ended, or never was).
   */
  subscribe(id: number, listener: RunListener): (() => void) | null {
    const live = this.live.get(id);
    if (!live) return null;
    for (const entry of live.logs) listener.log(entry);
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }
}

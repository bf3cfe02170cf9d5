/**
 * Runs jobs in a pool of worker threads, so a job spinning in a CPU loop never slows the main
 * thread (the HTTP API) or other jobs.
 *
 * A run goes to a worker that is not executing guest code at that moment. A run that awaits a host
 * call or `core.sleep` holds no thread, only memory, so one worker holds many waiting runs. When
 * every worker is executing, the pool grows up to `maxWorkers`, or queues the run. A worker that
 * dies is replaced, and the runs it held end as errors.
 *
 * Host calls are answered on the main thread by each run's `hooks.host`, or, given `host`, inside
 * the worker running the guest by a host each worker builds from a module (in-thread-host.ts).
 */
import { SandboxDisposedError, SandboxStartError } from './errors.js';
import { answerHostCall, notAvailable } from './host-bridge.js';
import type { InThreadHostSpec } from './in-thread-host.js';
import { timeoutMessage } from './limits.js';
import type { FromWorker, RunReport } from './protocol.js';
import type { RunEnd } from './runtime.js';
import { WorkerSlot } from './worker-slot.js';
import type { LogEntry, RunHooks, RunOutcome, RunRequest } from './types.js';

export interface SandboxPoolOptions {
  /** Threads kept running. */
  workers: number;
  /** Threads the pool may grow to while all are executing; default twice `workers`. */
  maxWorkers?: number;
  /**
   * Answer host calls in the worker threads with the host this module builds; each run's
   * `hooks.host` is then ignored. Without it, `hooks.host` answers on the main thread.
   */
  host?: InThreadHostSpec;
}

export interface SandboxPoolStats {
  /** Live threads. */
  workers: number;
  /** Threads executing guest code now. */
  busy: number;
  /** Runs waiting for a thread. */
  queued: number;
  /** Runs on threads: executing, or waiting on the host. */
  running: number;
}

/** How long every thread must stay busy before the pool adds one; avoids growing on a burst. */
const GROW_AFTER_MS = 200;
/** Node fires longer timers after 1 ms; a limit this long is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A thread grown past `workers` is ended after this long without runs. */
const RETIRE_AFTER_MS = 30_000;
/** A replacement for a thread that died before it was ready waits this long, so a host that cannot start does not spin. */
const RESPAWN_FAILED_START_MS = 1000;

interface PendingRun {
  request: RunRequest;
  hooks: RunHooks;
  resolve: (outcome: RunOutcome) => void;
}

interface ActiveRun extends PendingRun {
  id: number;
  slot: WorkerSlot;
  logs: LogEntry[];
  /** Made at the first host call: most runs make none, and aborting one builds a DOMException. */
  abort: AbortController | undefined;
  timer: NodeJS.Timeout;
  /** Made at the first `core.sleep`. */
  pauses: Set<NodeJS.Timeout> | undefined;
}

export class SandboxPool {
  private readonly slots = new Set<WorkerSlot>();
  private readonly queue: PendingRun[] = [];
  private readonly active = new Map<number, ActiveRun>();
  private nextRunId = 1;
  private growTimer: NodeJS.Timeout | undefined;
  private respawnTimer: NodeJS.Timeout | undefined;
  private readonly retireTimer: NodeJS.Timeout;
  private disposed = false;

  private constructor(
    private readonly minWorkers: number,
    private readonly maxWorkers: number,
    private readonly host: InThreadHostSpec | undefined,
  ) {
    this.retireTimer = setInterval(() => this.retireIdle(), RETIRE_AFTER_MS / 3).unref();
  }

  /** Starts `workers` threads and resolves when each has loaded QuickJS (and built its host). */
  static async create(options: SandboxPoolOptions): Promise<SandboxPool> {
    const workers = Math.max(1, Math.floor(options.workers));
    const pool = new SandboxPool(workers, Math.max(workers, Math.floor(options.maxWorkers ?? workers * 2)), options.host);
    const slots = Array.from({ length: workers }, () => pool.spawn());
    try {
      await Promise.all(slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.dispose();
      throw new SandboxStartError('a sandbox worker failed to start', error);
    }
    return pool;
  }

  /**
   * Runs one job. Resolves with its outcome; a guest failure, a timeout, the memory limit or a
   * dead worker is an outcome, never a rejection. Rejects only if the pool was disposed.
   */
  run(request: RunRequest, hooks: RunHooks = {}): Promise<RunOutcome> {
    if (this.disposed) return Promise.reject(new SandboxDisposedError());
    return new Promise((resolve) => {
      this.queue.push({ request, hooks, resolve });
      this.drain();
    });
  }

  stats(): SandboxPoolStats {
    let busy = 0;
    for (const slot of this.slots) if (slot.busy) busy++;
    return { workers: this.slots.size, busy, queued: this.queue.length, running: this.active.size };
  }

  /**
   * Ends every thread, after each has closed its in-thread host (bounded wait). Queued and
   * in-flight runs resolve as errors.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.retireTimer);
    clearTimeout(this.growTimer);
    clearTimeout(this.respawnTimer);
    const shutDown = { outcome: 'error', error: { message: 'the sandbox was shut down before the run ended' } } as const;
    for (const pending of this.queue.splice(0)) pending.resolve({ ...shutDown, logs: [] });
    for (const run of [...this.active.values()]) this.finish(run, shutDown);
    await Promise.all([...this.slots].map((slot) => slot.stop()));
    this.slots.clear();
  }

  /** The worker threads, for tests that kill one to check the pool survives it. */
  threadsForTesting(): Array<WorkerSlot['thread']> {
    return [...this.slots].map((slot) => slot.thread);
  }

  private spawn(): WorkerSlot {
    const slot = new WorkerSlot(
      {
        message: (from, message) => this.receive(from, message),
        exit: (from, reason) => this.lost(from, reason),
      },
      this.host,
    );
    this.slots.add(slot);
    void slot.ready.then(() => this.drain(), () => undefined);
    return slot;
  }

  /** Starts queued runs on idle threads; schedules growth if runs are left waiting. */
  private drain(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) break;
      this.dispatch(this.queue.shift() as PendingRun, slot);
    }
    if (this.queue.length > 0 && !this.growTimer && this.slots.size < this.maxWorkers) {
      // Grow only if the same run is still first in line: threads busy with a spinner, not a
      // burst of short runs that the existing threads clear in a few milliseconds.
      const head = this.queue[0];
      this.growTimer = setTimeout(() => {
        this.growTimer = undefined;
        const starting = [...this.slots].some((slot) => !slot.isReady);
        if (this.disposed || starting || this.slots.size >= this.maxWorkers) return;
        if (this.queue[0] === head) this.spawn();
        else this.drain();
      }, GROW_AFTER_MS);
    }
  }

  /**
   * The ready, non-executing thread holding the fewest runs, so a later spinner strands few; among
   * equals the one given work longest ago, which has had time to prepare its next context.
   */
  private idleSlot(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (!slot.isReady || slot.retiring || slot.busy) continue;
      if (!best || slot.runs.size < best.runs.size || (slot.runs.size === best.runs.size && slot.lastWorkAt < best.lastWorkAt)) {
        best = slot;
      }
    }
    return best;
  }

  private dispatch(pending: PendingRun, slot: WorkerSlot): void {
    const id = this.nextRunId++;
    const run: ActiveRun = {
      ...pending,
      id,
      slot,
      logs: [],
      abort: undefined,
      pauses: undefined,
      // The wall clock covers host waits, which no interrupt handler can stop.
      timer: setTimeout(
        () => this.finish(run, { outcome: 'timeout', error: { message: timeoutMessage(pending.request.timeoutMs) } }),
        Math.min(pending.request.timeoutMs, MAX_TIMER_MS),
      ),
    };
    this.active.set(id, run);
    slot.runs.add(id);
    slot.lastWorkAt = performance.now();
    slot.post({ type: 'start', runId: id, request: pending.request });
  }

  private receive(slot: WorkerSlot, message: FromWorker): void {
    if (message.type !== 'events') return;
    for (const event of message.events) this.apply(event);
    if (message.idle && !slot.busy) this.drain();
  }

  private apply(event: RunReport): void {
    const run = this.active.get(event.runId);
    if (!run) return; // already ended by the pool (timeout); the worker's late news is moot
    switch (event.type) {
      case 'log':
        run.logs.push(event.entry);
        try {
          run.hooks.onLog?.(event.entry);
        } catch {
          // A failing log listener must not take the run down with it.
        }
        return;
      case 'call':
        this.hostCall(run, event.callId, event.name, event.argsJson);
        return;
      case 'sleep': {
        // Clamped: the run's own timer ends it first anyway.
        const ms = Math.min(event.ms, run.request.timeoutMs + 1000, MAX_TIMER_MS);
        const pauses = (run.pauses ??= new Set());
        const pause = setTimeout(() => {
          pauses.delete(pause);
          if (this.active.has(run.id)) run.slot.post({ type: 'reply', runId: run.id, callId: event.callId });
        }, ms);
        pauses.add(pause);
        return;
      }
      case 'end':
        this.finish(run, event.end, true);
        return;
    }
  }

  private hostCall(run: ActiveRun, callId: number, name: string, argsJson: string): void {
    if (run.request.mode === 'safe') {
      // Only an in-thread host can hold a draft's work for the run and undo it at the end.
      run.slot.post({ type: 'reply', runId: run.id, callId, json: JSON.stringify([null, 'a safe draft needs the in-thread host; run it live', -1]) });
      return;
    }
    const context = { jobName: run.request.jobName, signal: (run.abort ??= new AbortController()).signal };
    // Only reached without an in-thread host: with one, the worker answers calls itself.
    void answerHostCall(run.hooks.host ?? notAvailable, name, argsJson, context).then((json) => {
      if (this.active.has(run.id)) run.slot.post({ type: 'reply', runId: run.id, callId, json });
    });
  }

  /** Ends a run once; `fromWorker` when the worker reported the end and has dropped the run. */
  private finish(run: ActiveRun, end: RunEnd, fromWorker = false): void {
    if (!this.active.delete(run.id)) return;
    clearTimeout(run.timer);
    if (run.pauses) for (const pause of run.pauses) clearTimeout(pause);
    run.abort?.abort();
    run.slot.runs.delete(run.id);
    if (run.slot.runs.size === 0) run.slot.idleSince = performance.now();
    if (!fromWorker) run.slot.post({ type: 'cancel', runId: run.id });
    run.resolve({ ...end, logs: run.logs });
    if (run.slot.retiring && run.slot.runs.size === 0) void run.slot.stop();
  }

  /** A thread is gone: its runs are lost; keep the pool at strength and the queue moving. */
  private lost(slot: WorkerSlot, reason: string | undefined): void {
    this.slots.delete(slot);
    if (this.disposed) return;
    const message = `the sandbox worker running this job stopped unexpectedly (${reason ?? 'terminated'})`;
    for (const id of [...slot.runs]) {
      const run = this.active.get(id);
      if (run) this.finish(run, { outcome: 'error', error: { message } }, true);
    }
    if (!slot.isReady) {
      this.respawnTimer ??= setTimeout(() => {
        this.respawnTimer = undefined;
        if (!this.disposed) this.restore();
      }, RESPAWN_FAILED_START_MS);
      return;
    }
    this.restore();
  }

  /** Back to `workers` threads, and the queue moving. */
  private restore(): void {
    while (this.slots.size < this.minWorkers) this.spawn();
    this.drain();
  }

  /** Ends threads grown past `workers` that have held no runs for a while. */
  private retireIdle(): void {
    const now = performance.now();
    for (const slot of this.slots) {
      if (this.liveSlots() <= this.minWorkers) return;
      if (!slot.retiring && slot.runs.size === 0 && !slot.busy && now - slot.idleSince > RETIRE_AFTER_MS) {
        slot.retiring = true;
        void slot.stop();
      }
    }
  }

  private liveSlots(): number {
    let live = 0;
    for (const slot of this.slots) if (!slot.retiring) live++;
    return live;
  }
}

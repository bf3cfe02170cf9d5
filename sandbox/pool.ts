/**
 * Runs jobs in a pool of worker threads, so a job spinning in a CPU loop never slows the main
 * thread (the HTTP API) or other jobs.
 *
 * A run holds its thread alone, from its start to its end, host waits included: QuickJS cannot
 * stop a guest in mid-step, so a run sharing a thread with a spinner would wait for the spinner's
 * timeout before its next step, and a thread that dies would take its neighbours with it. Once a
 * run has held its thread LONG_RUN_MS, the pool keeps `spare` more threads free (up to
 * `maxWorkers`), two by default, and loads a replacement the moment a run takes one: the next run
 * starts at once, and so does the one after it, even when the first turns out to spin too, rather
 * than waiting for a thread to load. A run queued GROW_AFTER_MS gets a new thread too while long
 * runs leave fewer than `workers` threads for the rest. Short runs alone never grow the pool: a
 * thread costs memory (about 18 MB) and more threads than cores run short work no sooner. At the
 * cap, runs queue.
 *
 * A worker that dies is replaced. The run whose code killed it ends as an error; a run sent to it
 * after that was never read and runs elsewhere; a run on a thread that died of something else
 * (terminated from outside) ends `interrupted`.
 *
 * Host calls are answered inside the worker running the guest, by a host each worker builds from
 * the module named by `host` (in-thread-host.ts); without one, every call answers "not available".
 */
import { setTimeout as delay } from 'node:timers/promises';
import { SandboxDisposedError, SandboxStartError } from './errors.js';
import type { InThreadHostSpec } from './in-thread-host.js';
import { memoryLimitMessage, timeoutMessage } from './limits.js';
import type { FromWorker, RunReport, ThreadMemory } from './protocol.js';
import type { RunEnd } from './runtime.js';
import { capOutcome } from './caps.js';
import { WorkerSlot } from './worker-slot.js';
import type { LogEntry, RunHooks, RunOutcome, RunRequest } from './types.js';

export interface SandboxPoolOptions {
  /** Threads kept running. */
  workers: number;
  /** Threads the pool may grow to while runs hold them; default DEFAULT_MAX_WORKERS or `workers`. */
  maxWorkers?: number;
  /**
   * Free threads kept ready while long runs hold others, a replacement loading as soon as a run
   * takes one; default DEFAULT_SPARE.
   */
  spare?: number;
  /** How long a thread grown past `workers` may go without a run before it is ended; default RETIRE_AFTER_MS. */
  retireAfterMs?: number;
  /**
   * Answer host calls in the worker threads with the host this module builds. Without it, every
   * host call answers `[null, 'not available', -1]`.
   */
  host?: InThreadHostSpec;
}

export interface SandboxPoolStats {
  /** Live threads. */
  workers: number;
  /** Threads executing guest code now. */
  busy: number;
  /** Ready threads holding no run: a new run starts on one at once. */
  free: number;
  /** The most threads the pool grows to. */
  maxWorkers: number;
  /** Runs waiting for a thread. */
  queued: number;
  /** Runs on threads: executing, or waiting on the host. */
  running: number;
}

/** A cancelled run's end: the signal's reason when it is a string, else a plain message. */
function cancelledEnd(signal: AbortSignal): RunEnd {
  const reason: unknown = signal.reason;
  return { outcome: 'cancelled', error: { message: typeof reason === 'string' ? reason : 'the run was cancelled' } };
}

/** The default cap on threads (see docs/SCHEDULING.md for its memory cost). */
export const DEFAULT_MAX_WORKERS = 16;
/**
 * Free threads kept ready behind long runs: one for the next run and one in reserve, so a run
 * arriving just as the one before took a thread (and spins) does not wait for a thread to load.
 */
export const DEFAULT_SPARE = 2;
/** Threads loading at once while the pool grows for queued runs. */
const MAX_STARTING = 2;
/** A run holding its thread this long is a long run (a spinner, a host wait): a spare is made ready. */
const LONG_RUN_MS = 100;
/** How long the first queued run may wait before the pool adds a thread for it (a burst of short runs clears sooner). */
const GROW_AFTER_MS = 100;
/** How long `memory()` waits for a thread's answer. */
const MEMORY_ANSWER_MS = 1000;
/** Node fires longer timers after 1 ms; a limit this long is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A thread grown past `workers` is ended after this long without runs. */
const RETIRE_AFTER_MS = 30_000;
/** A replacement for a thread that died before it was ready waits this long, so a host that cannot start does not spin. */
const RESPAWN_FAILED_START_MS = 1000;

interface PendingRun {
  request: RunRequest;
  queuedAt: number;
  hooks: RunHooks;
  resolve: (outcome: RunOutcome) => void;
  /** Stops listening to `hooks.signal`. */
  unlisten: () => void;
}

interface ActiveRun extends PendingRun {
  id: number;
  slot: WorkerSlot;
  logs: LogEntry[];
  /** Fires after LONG_RUN_MS: a run holding its thread that long has a spare made ready behind it. */
  held: NodeJS.Timeout;
  long: boolean;
  timer: NodeJS.Timeout;
  /** Made at the first `core.sleep`. */
  pauses: Set<NodeJS.Timeout> | undefined;
  /** When the worker handed the code to QuickJS (epoch ms); until it says, when the run took its thread. */
  startedAt: number;
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
    private readonly spare: number,
    private readonly host: InThreadHostSpec | undefined,
    private readonly retireAfterMs: number,
  ) {
    this.retireTimer = setInterval(() => this.retireIdle(), retireAfterMs / 3).unref();
  }

  /** Starts `workers` threads and resolves when each has loaded QuickJS (and built its host). */
  static async create(options: SandboxPoolOptions): Promise<SandboxPool> {
    const workers = Math.max(1, Math.floor(options.workers));
    const maxWorkers = Math.max(workers, Math.floor(options.maxWorkers ?? DEFAULT_MAX_WORKERS));
    const pool = new SandboxPool(workers, maxWorkers, Math.max(0, Math.floor(options.spare ?? DEFAULT_SPARE)), options.host, options.retireAfterMs ?? RETIRE_AFTER_MS);
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
    const { signal } = hooks;
    if (signal?.aborted) return Promise.resolve({ ...cancelledEnd(signal), logs: [] });
    return new Promise((resolve) => {
      const pending: PendingRun = { request, hooks, resolve, queuedAt: performance.now(), unlisten: () => undefined };
      if (signal) {
        const onAbort = () => this.cancel(pending, signal);
        signal.addEventListener('abort', onAbort, { once: true });
        pending.unlisten = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(pending);
      this.drain();
    });
  }

  /** Ends a run whose signal was aborted: dropped from the queue, or ended and interrupted on its thread. */
  private cancel(pending: PendingRun, signal: AbortSignal): void {
    // Matched by `resolve`: a run put back in the queue after its thread died is a new entry.
    const queued = this.queue.findIndex((entry) => entry.resolve === pending.resolve);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.resolve({ ...cancelledEnd(signal), logs: [] });
      return;
    }
    for (const run of this.active.values()) {
      if (run.resolve !== pending.resolve) continue;
      this.finish(run, cancelledEnd(signal));
      return;
    }
  }

  stats(): SandboxPoolStats {
    let busy = 0;
    let free = 0;
    for (const slot of this.slots) {
      if (slot.busy) busy++;
      if (slot.isReady && !slot.retiring && !slot.busy && slot.runs.size === 0) free++;
    }
    return { workers: this.slots.size, busy, free, maxWorkers: this.maxWorkers, queued: this.queue.length, running: this.active.size };
  }

  /**
   * The memory of each ready thread not executing guest code now (a busy one would answer only
   * when its step ends). `collect` runs a full collection in each first, for what the threads
   * keep alive rather than what they have not yet collected: a leak check, not a metrics scrape.
   * A thread that has not answered within MEMORY_ANSWER_MS (it began a long step) is left out.
   */
  async memory(collect = false): Promise<ThreadMemory[]> {
    const slots = [...this.slots].filter((slot) => slot.isReady && !slot.busy && !slot.retiring);
    const late = () => delay(MEMORY_ANSWER_MS, undefined, { ref: false });
    const answers = await Promise.all(slots.map((slot) => Promise.race([slot.memory(collect), late()])));
    return answers.filter((memory): memory is ThreadMemory => memory !== undefined);
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
    for (const pending of this.queue.splice(0)) {
      pending.unlisten();
      pending.resolve({ ...shutDown, logs: [] });
    }
    for (const run of [...this.active.values()]) this.finish(run, shutDown);
    await Promise.all([...this.slots].map((slot) => slot.stop()));
    this.slots.clear();
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

  /** Starts queued runs on free threads; adds a thread if the first in line waits too long. */
  private drain(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) break;
      this.dispatch(this.queue.shift() as PendingRun, slot);
    }
    if (this.queue.length > 0 && !this.growTimer && this.slots.size < this.maxWorkers) {
      // Grow only for a run that has waited GROW_AFTER_MS behind threads held by long runs, not
      // for a burst of short runs that the existing threads clear as fast as the cores allow.
      const waited = performance.now() - (this.queue[0] as PendingRun).queuedAt;
      this.growTimer = setTimeout(() => {
        this.growTimer = undefined;
        if (this.disposed || this.slots.size >= this.maxWorkers || this.queue.length === 0) return;
        if (performance.now() - (this.queue[0] as PendingRun).queuedAt >= GROW_AFTER_MS) {
          // Enough threads that `workers` are not held by long runs, MAX_STARTING loading at a
          // time: more only share the same cores and each takes longer to be ready.
          const starting = [...this.slots].filter((slot) => !slot.isReady).length;
          let missing = Math.min(
            this.minWorkers - (this.slots.size - this.heldByLongRuns()),
            this.queue.length - this.freeOrStarting(),
            this.maxWorkers - this.slots.size,
            MAX_STARTING - starting,
          );
          while (missing-- > 0) this.spawn();
        }
        this.drain();
      }, Math.max(0, GROW_AFTER_MS - waited));
    }
  }

  /**
   * Keeps `spare` threads free (or loading) while a long run holds a thread, so the next run does
   * not wait for a thread to load (about 200 ms) behind a spinner; and `workers` threads at least.
   * Called when a run becomes long, when a run takes a thread and when a thread is lost; not
   * while runs wait in line. Short runs alone never grow the pool this way: at full load more
   * threads than cores only cost.
   */
  private topUp(): void {
    if (this.disposed) return;
    while (this.slots.size < this.minWorkers) this.spawn();
    // Spares are for runs still to come: runs in line take threads from `drain`'s growth, which a
    // burst of short runs next to one long run does not set off.
    if (this.queue.length > 0 || !this.hasLongRun()) return;
    let free = this.freeOrStarting();
    while (free < this.spare && this.slots.size < this.maxWorkers) {
      this.spawn();
      free++;
    }
  }

  private hasLongRun(): boolean {
    for (const run of this.active.values()) if (run.long) return true;
    return false;
  }

  /** Threads holding a long run. */
  private heldByLongRuns(): number {
    const held = new Set<WorkerSlot>();
    for (const run of this.active.values()) if (run.long) held.add(run.slot);
    return held.size;
  }

  /**
   * Threads holding no run: free, still loading, or just finishing one (freeing its runtime, or
   * a timed-out guest reaching the interrupt that the same deadline set off).
   */
  private freeOrStarting(): number {
    let free = 0;
    for (const slot of this.slots) if (!slot.retiring && slot.runs.size === 0) free++;
    return free;
  }

  /**
   * A ready thread holding no run and executing nothing. The oldest `workers` threads take turns,
   * the one given work longest ago first (its next context is prepared); a thread grown past them
   * gets a run only when none of them is free, so once the long runs that grew the pool are over,
   * the grown threads fall idle and retire instead of sharing the steady load.
   */
  private freeSlot(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    let position = 0;
    for (const slot of this.slots) {
      if (slot.retiring) continue;
      const base = position++ < this.minWorkers;
      if (!slot.isReady || slot.busy || slot.runs.size > 0) continue;
      if (!base) return best ?? slot; // the base threads come first in the set
      if (!best || slot.lastWorkAt < best.lastWorkAt) best = slot;
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
      pauses: undefined,
      startedAt: Date.now(),
      long: false,
      // Checked again after the poll phase: a main thread that was busy for LONG_RUN_MS fires
      // this timer before it reads the `end` that the worker sent long ago, and a run that has
      // ended is not long.
      held: setTimeout(
        () =>
          setImmediate(() => {
            if (!this.active.has(id)) return;
            run.long = true;
            this.topUp();
          }),
        LONG_RUN_MS,
      ),

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
    // Behind long runs, a free thread taken is replaced at once: the run that took it may spin too.
    this.topUp();
    if (pending.hooks.onThread) {
      try {
        pending.hooks.onThread();
      } catch {
        // A failing listener must not take the run down with it.
      }
    }
  }

  private receive(slot: WorkerSlot, message: FromWorker): void {
    if (message.type !== 'events') return;
    for (const event of message.events) this.apply(event);
    if (message.idle && !slot.busy && slot.runs.size === 0) this.drain();
  }

  private apply(event: RunReport): void {
    const run = this.active.get(event.runId);
    if (!run) return; // already ended by the pool (timeout); the worker's late news is moot
    switch (event.type) {
      case 'began':
        run.startedAt = event.at;
        return;
      case 'log':
        run.logs.push(event.entry);
        try {
          run.hooks.onLog?.(event.entry);
        } catch {
          // A failing log listener must not take the run down with it.
        }
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

  /** Ends a run once; `fromWorker` when the worker reported the end and has dropped the run. */
  private finish(run: ActiveRun, end: RunEnd, fromWorker = false): void {
    if (!this.active.delete(run.id)) return;
    clearTimeout(run.timer);
    clearTimeout(run.held);
    if (run.pauses) for (const pause of run.pauses) clearTimeout(pause);
    run.slot.runs.delete(run.id);
    if (run.slot.runs.size === 0) run.slot.idleSince = performance.now();
    run.unlisten();
    if (!fromWorker) {
      // Guest code may be executing on the thread now (a spinner): interrupt it there, since the
      // thread reads the `cancel` message only once the guest yields.
      run.slot.interrupt(run.id);
      run.slot.post({ type: 'cancel', runId: run.id });
    }
    run.resolve(capOutcome({ ...end, logs: run.logs, startedAt: run.startedAt }, run.request.logLimitBytes));
    // A guest that filled its heap left the thread's WASM memory grown and resident (it never
    // shrinks): end the thread rather than keep that memory for good.
    if (end.outcome === 'error' && end.error.message === memoryLimitMessage(run.request.memoryBytes)) {
      run.slot.retiring = true;
    }
    if (run.slot.retiring && run.slot.runs.size === 0) void run.slot.stop();
    else if (!fromWorker || !run.slot.busy) this.drain();
  }

  /**
   * A thread is gone. The run whose guest code killed it (named by the worker, or the one it was
   * executing) ends as an error; one the worker never read runs elsewhere; any other did nothing
   * wrong and ends `interrupted`.
   */
  private lost(slot: WorkerSlot, reason: string | undefined): void {
    this.slots.delete(slot);
    if (this.disposed) return;
    const why = reason ?? 'terminated';
    const executing = slot.busy && slot.runs.size === 1 ? [...slot.runs][0] : undefined;
    const culprit = slot.culprit ?? executing;
    for (const id of [...slot.runs]) {
      const run = this.active.get(id);
      if (!run) continue;
      if (slot.culprit !== undefined && id !== slot.culprit) {
        // The worker failed on another run and read no message after: this one never started.
        this.requeue(run);
        continue;
      }
      if (id === culprit) {
        this.finish(run, { outcome: 'error', error: { message: `the job crashed its sandbox thread (${why})` } }, true);
      } else {
        const message = `the sandbox thread running this job stopped (${why}); the run was cut short through no fault of its own`;
        this.finish(run, { outcome: 'interrupted', error: { message } }, true);
      }
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

  /** Puts a run that never started back at the head of the line. */
  private requeue(run: ActiveRun): void {
    this.active.delete(run.id);
    clearTimeout(run.timer);
    clearTimeout(run.held);
    this.queue.unshift({ request: run.request, hooks: run.hooks, resolve: run.resolve, queuedAt: run.queuedAt, unlisten: run.unlisten });
  }

  /** Back to `workers` threads, and the queue moving. */
  private restore(): void {
    this.topUp();
    this.drain();
  }

  /** Ends threads grown past `workers` that have held no runs for a while, keeping the spares long runs need. */
  private retireIdle(): void {
    const now = performance.now();
    let free = this.freeOrStarting();
    for (const slot of this.slots) {
      if (this.liveSlots() <= this.minWorkers) return;
      if (free <= this.spare && this.hasLongRun()) return;
      if (!slot.retiring && slot.runs.size === 0 && !slot.busy && slot.isReady && now - slot.idleSince > this.retireAfterMs) {
        slot.retiring = true;
        free--;
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

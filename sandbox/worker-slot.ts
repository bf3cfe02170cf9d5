/**
 * The pool's view of one worker thread: the runs it holds, and whether it is executing guest code
 * right now. "Executing" is counted, not guessed: every `start` or `reply` posted is one unit of
 * work the worker acknowledges (an `events` message marked `idle`) when the guest waits or ends again.
 */
import { Worker } from 'node:worker_threads';
import type { InThreadHostSpec } from './in-thread-host.js';
import type { FromWorker, ThreadMemory, ToWorker } from './protocol.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * A worker's own V8 heap (the guest's heap is QuickJS's, in WASM memory, and not counted here).
 * Left to V8, each thread's young generation grows to 32 MB at a high run rate and its old
 * generation to several times what it keeps alive: tens of MB per thread that only defer
 * collection. A small young generation costs more frequent scavenges of a heap that is almost all
 * garbage; the old generation holds the helpers' modules and a run's messages (logs, results and
 * data bounded by caps.ts), far below this ceiling, which a runaway host leak would hit and end
 * its thread, a contained failure, rather than the process.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 3, maxOldGenerationSizeMb: 256 };

/**
 * Compiled by tsc, the worker is `worker.js` beside this file. Run from TypeScript source under
 * tsx, it is `worker.ts`, and the thread must register tsx itself: on Node 20 a worker inherits
 * `--import tsx` in its execArgv, yet `.ts` files still fail there with "Unknown file extension".
 */
function newWorker(host: InThreadHostSpec | undefined, interrupts: Int32Array): Worker {
  const url = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);
  const options = { workerData: { host, interrupts }, resourceLimits: WORKER_HEAP_LIMITS };
  if (!FROM_SOURCE) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** How long a stopping thread's host may take to close its connections before the thread is ended anyway. */
const CLOSE_HOST_MS = 2000;

export interface SlotEvents {
  message(slot: WorkerSlot, message: FromWorker): void;
  /** The thread is gone. `reason` is set when it died rather than being retired. */
  exit(slot: WorkerSlot, reason: string | undefined): void;
}

/** Runs a thread can be asked to interrupt at once; more at the same moment wait for their `cancel` message. */
export const INTERRUPT_SLOTS = 8;

export class WorkerSlot {
  private readonly worker: Worker;
  /**
   * Ids of runs the pool has ended while the thread may be executing them, shared with the thread:
   * its interrupt handler stops guest code of a run listed here without waiting for a message.
   */
  private readonly interrupts = new Int32Array(new SharedArrayBuffer(INTERRUPT_SLOTS * 4));
  /** Posted `start`/`reply` messages the worker has not acknowledged. */
  private unacknowledged = 0;
  /** Ids of the runs this worker holds (executing or waiting on the host). */
  readonly runs = new Set<number>();
  /** Resolves when the worker has loaded QuickJS; rejects if it dies first. */
  readonly ready: Promise<void>;
  isReady = false;
  /** No new runs go here; it is terminated once its runs are done. */
  retiring = false;
  /** When it last became empty, for retiring threads grown past the pool's base size. */
  idleSince = performance.now();
  /** When it was last given a run. */
  lastWorkAt = 0;
  /** The run whose guest code the worker was executing when QuickJS failed, if it said. */
  culprit: number | undefined;
  private deathReason: string | undefined;
  private stopping = false;
  private exited = false;
  private stopped: Promise<void> | undefined;
  /** Set while a `close` awaits its `closed`. */
  private hostClosed: (() => void) | undefined;
  /** Callers of `memory()` waiting for the thread's answers, in the order asked. */
  private readonly memoryAsked: Array<(memory: ThreadMemory | undefined) => void> = [];

  constructor(
    events: SlotEvents,
    private readonly host?: InThreadHostSpec,
  ) {
    this.worker = newWorker(host, this.interrupts);
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.isReady = true;
          resolve();
          return;
        }
        if (message.type === 'events' && message.idle) this.unacknowledged--;
        if (message.type === 'busy') this.unacknowledged++;
        if (message.type === 'closed') {
          this.hostClosed?.();
          return;
        }
        if (message.type === 'memory') {
          this.memoryAsked.shift()?.(message.memory);
          return;
        }
        if (message.type === 'fatal') {
          this.culprit ??= message.runId;
          this.kill(this.isReady ? `QuickJS failed in the sandbox worker (${message.message})` : message.message);
        }
        events.message(this, message);
      });
      this.worker.on('error', (error) => {
        this.deathReason ??= `${error.name}: ${error.message}`;
      });
      this.worker.on('exit', (code) => {
        this.exited = true;
        this.hostClosed?.();
        for (const answer of this.memoryAsked.splice(0)) answer(undefined);
        const reason = this.stopping ? undefined : (this.deathReason ?? `exit code ${code}`);
        reject(new Error(`the sandbox worker stopped before it was ready (${reason ?? 'terminated'})`));
        events.exit(this, reason);
      });
    });
    // The pool awaits `ready` only at creation; a later death is reported through `exit`.
    this.ready.catch(() => undefined);
  }

  /** True while the worker runs guest code (or has been asked to). */
  get busy(): boolean {
    return this.unacknowledged > 0;
  }

  /** Asks the thread to interrupt run `runId` if it is executing it; the thread clears the mark on `cancel`. */
  interrupt(runId: number): void {
    for (let i = 0; i < INTERRUPT_SLOTS; i++) {
      if (Atomics.compareExchange(this.interrupts, i, 0, runId) === 0) return;
    }
  }

  /** Posts a message; `start` and `reply` count as work until acknowledged. */
  post(message: ToWorker): void {
    if (message.type !== 'cancel') this.unacknowledged++;
    this.worker.postMessage(message);
  }

  /**
   * The thread's memory, or undefined if it ends first. The thread answers between guest steps,
   * so a thread executing a long step answers when the step ends.
   */
  memory(collect: boolean): Promise<ThreadMemory | undefined> {
    if (this.exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.memoryAsked.push(resolve);
      this.worker.postMessage({ type: 'memory', collect } satisfies ToWorker);
    });
  }

  /** Ends the thread as a failure: its runs are reported lost with `reason`. */
  kill(reason: string): void {
    this.deathReason ??= reason;
    void this.worker.terminate();
  }

  /** Ends the thread on purpose (retired or shut down): nothing is reported lost. */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    if (this.host && this.isReady && !this.exited) await this.closeHost();
    await this.worker.terminate();
  }

  /** Asks the thread to close its host; resolves when it has, or after CLOSE_HOST_MS. */
  private closeHost(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, CLOSE_HOST_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.hostClosed = done;
      this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    });
  }
}

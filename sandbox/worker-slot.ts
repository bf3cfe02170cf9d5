/**
 * The pool's view of one worker thread: the runs it holds, and whether it is executing guest code
 * right now. "Executing" is counted, not guessed: every `start` or `reply` posted is one unit of
 * work the worker acknowledges (an `events` message marked `idle`) when the guest waits or ends again.
 */
import { Worker } from 'node:worker_threads';
import type { InThreadHostSpec } from './in-thread-host.js';
import type { FromWorker, ToWorker } from './protocol.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Compiled by tsc, the worker is `worker.js` beside this file. Run from TypeScript source under
 * tsx, it is `worker.ts`, and the thread must register tsx itself: on Node 20 a worker inherits
 * `--import tsx` in its execArgv, yet `.ts` files still fail there with "Unknown file extension".
 */
function newWorker(host: InThreadHostSpec | undefined, interrupts: Int32Array): Worker {
  const url = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);
  const workerData = { host, interrupts };
  if (!FROM_SOURCE) return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
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

  /** The thread, for tests that need to kill it from outside. */
  get thread(): Worker {
    return this.worker;
  }
}

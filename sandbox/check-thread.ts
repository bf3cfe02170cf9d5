/**
 * One worker thread that answers syntax checks for the whole process. Compiling runs no guest
 * code, but a hostile script can nest deeply enough to overflow the stack of whichever thread
 * parses it; the service's main thread must never be that thread. Checks are answered in order;
 * a thread that dies or hangs is replaced, and the check it held answers as a syntax error.
 *
 * Checks come with saves, which are rare next to runs: a thread idle for `idleMs` ends, and the
 * next check starts another (about 100 ms on a quiet machine). An idle checker would otherwise
 * hold its V8 heap and QuickJS module (about 20 MB) for the life of the service.
 */
import { Worker } from 'node:worker_threads';
import type { CheckResult } from './types.js';

export interface CheckRequest {
  id: number;
  code: string;
}
export interface CheckResponse {
  id: number;
  result: CheckResult;
}

/** The stack the parser needs to reach QuickJS's 256 KiB guest stack limit before its own host stack ends (4 MB does not). */
const STACK_MB = 16;
/** A check that takes longer ends the thread and answers as a failed check. */
const CHECK_TIMEOUT_MS = 20_000;
/** How long a checker thread waits for its next check before it ends. */
export const CHECK_IDLE_MS = 30_000;
/**
 * The checker's V8 heap holds the scripts it is sent (2 MB at most, the API's body limit) while
 * QuickJS parses them in its own WASM memory: a small young generation, a bounded old one.
 */
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };
/** The exit code of a checker thread that answered its check but must not answer more. */
export const ANSWERED_EXIT = 70;
const FROM_SOURCE = import.meta.url.endsWith('.ts');

interface Pending {
  code: string;
  worker: Worker;
  resolve: (result: CheckResult) => void;
  timer: NodeJS.Timeout;
}

export class CheckThread {
  #worker: Worker | null = null;
  #idleTimer: NodeJS.Timeout | undefined;
  /** In the order sent: a thread answers its checks in order, so the oldest is the one it is on. */
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(private readonly idleMs = CHECK_IDLE_MS) {}

  check(code: string): Promise<CheckResult> {
    return new Promise((resolve) => this.#send(this.#nextId++, code, resolve));
  }

  /** Whether a checker thread is running now (it ends after `idleMs` without a check). */
  get running(): boolean {
    return this.#worker !== null;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
  }

  #send(id: number, code: string, resolve: (result: CheckResult) => void): void {
    clearTimeout(this.#idleTimer);
    const worker = this.#ensure();
    const timer = setTimeout(() => this.#lost(worker, `the check took longer than ${CHECK_TIMEOUT_MS / 1000} s`), CHECK_TIMEOUT_MS);
    this.#pending.set(id, { code, worker, resolve, timer });
    worker.ref();
    worker.postMessage({ id, code } satisfies CheckRequest);
  }

  #ensure(): Worker {
    if (this.#worker) return this.#worker;
    const worker = newWorker();
    worker.on('message', (message: CheckResponse | { ready: true }) => {
      if (!('id' in message)) return;
      this.#answer(message.id, message.result);
      if ([...this.#pending.values()].some((p) => p.worker === worker)) return;
      // An idle checker must not keep the process alive, nor its memory for long.
      worker.unref();
      this.#idleTimer = setTimeout(() => this.#retire(worker), this.idleMs).unref();
    });
    worker.on('error', (error) => this.#lost(worker, error.message));
    // After answering, a thread whose QuickJS module broke exits with ANSWERED_EXIT: the checks behind it were never started.
    worker.on('exit', (code) => this.#lost(worker, 'the checker thread ended', code !== ANSWERED_EXIT));
    this.#worker = worker;
    return worker;
  }

  #answer(id: number, result: CheckResult): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  /** Ends a thread that has had no check for `idleMs`; the next check starts a new one. */
  #retire(worker: Worker): void {
    if (this.#worker !== worker || this.#pending.size > 0) return;
    this.#worker = null;
    void worker.terminate();
  }

  /**
   * The thread died or hung. The check it was on answers as failed; the checks queued behind it
   * go to a fresh thread, so one hostile script fails nobody else's save.
   */
  #lost(worker: Worker, reason: string, blameCurrent = true): void {
    if (this.#worker === worker) this.#worker = null;
    void worker.terminate();
    const held = [...this.#pending].filter(([, p]) => p.worker === worker);
    if (blameCurrent && held.length > 0) {
      const [id] = held.shift()!;
      this.#answer(id, { ok: false, error: { message: `SyntaxError: ${reason}` } });
    }
    for (const [id, pending] of held) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      this.#send(id, pending.code, pending.resolve);
    }
  }
}

/** Under tsx (tests, development) the thread registers tsx itself, as the sandbox pool's threads do. */
function newWorker(): Worker {
  const url = new URL(FROM_SOURCE ? './check-worker.ts' : './check-worker.js', import.meta.url);
  const options = { resourceLimits: { stackSizeMb: STACK_MB, ...HEAP_LIMITS } };
  if (!FROM_SOURCE) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * The writes that end runs, kept until the store takes them. A run's outcome is known once it has
 * executed; if the store refuses it then (busy past its timeout, disk full, server gone), dropping
 * it would leave the run `running` and lose its outcome, and re-running the slot would replay its
 * side effects. So each write waits here and is tried again, in the order the runs ended, one at a
 * time, until it is written. The writes are idempotent in the store (a run already finished is left
 * alone), so a try whose answer was lost and is tried again still writes once.
 */
import type { Logger } from 'pino';

export interface QueuedWrite {
  /** Names the write in the log (job and run id). */
  what: Record<string, unknown>;
  write(): Promise<void>;
}

export interface FinishQueueOptions {
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** Wait before each further try: doubling from the first to the last, then the last. */
  retryDelaysMs?: readonly number[];
  /** After every refused try (metrics, the store's health). */
  onError?: (error: unknown) => void;
}

/** A short first wait rides out a busy moment; five seconds is as long as a finish waits between tries. */
export const DEFAULT_FINISH_RETRY_MS = [100, 250, 500, 1000, 2000, 5000] as const;

interface Entry extends QueuedWrite {
  written: () => void;
  tried: () => void;
}

export interface Queued {
  /** Resolves once the write is in the store. Never rejects. */
  written: Promise<void>;
  /** Resolves after the first try, written or not. */
  tried: Promise<void>;
}

export class FinishQueue {
  private readonly entries: Entry[] = [];
  private readonly delays: readonly number[];
  private draining = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: FinishQueueOptions) {
    this.delays = options.retryDelaysMs ?? DEFAULT_FINISH_RETRY_MS;
  }

  /** How many writes wait for the store. */
  get size(): number {
    return this.entries.length;
  }

  add(write: QueuedWrite): Queued {
    let written!: () => void;
    let tried!: () => void;
    const queued = {
      written: new Promise<void>((resolve) => (written = resolve)),
      tried: new Promise<void>((resolve) => (tried = resolve)),
    };
    this.entries.push({ ...write, written, tried });
    void this.drain();
    return queued;
  }

  /** Stops trying (the store is closing). What is left is recorded `interrupted` at the next boot. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      let failures = 0;
      while (!this.stopped && this.entries.length > 0) {
        const head = this.entries[0]!;
        try {
          await head.write();
          this.entries.shift();
          if (failures > 0) this.options.log.info({ ...head.what, tries: failures + 1 }, 'recorded the end of a run once the store took it');
          failures = 0;
          head.tried();
          head.written();
        } catch (error) {
          failures += 1;
          head.tried();
          this.options.onError?.(error);
          // The first refusal and then every tenth, so a long outage does not flood the log.
          if (failures === 1 || failures % 10 === 0) {
            this.options.log.error({ ...head.what, err: error, tries: failures, waiting: this.entries.length }, 'the store refused the end of a run; keeping it and trying again');
          }
          await this.pause(this.delays[Math.min(failures, this.delays.length) - 1] ?? 1000);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    }).then(() => {
      this.timer = null;
      this.wake = null;
    });
  }
}

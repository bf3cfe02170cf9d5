/**
 * The writes that end runs, kept until the store takes them. A run's outcome is known once it has
 * executed; if the store refuses it then (busy past its timeout, disk full, server gone), dropping
 * it would leave the run `running` and lose its outcome, and re-running the slot would replay its
 * side effects. So each write waits here and is tried again, in the order the runs ended, one at a
 * time, until it is written. The writes are idempotent in the store (a run already finished is left
 * alone), so a try whose answer was lost and is tried again still writes once.
 */
import type { Logger } from 'pino';
import type { RunEnd } from '../store/store.js';

export interface QueuedWrite {
  /** Names the write in the log (job and run id). */
  what: Record<string, unknown>;
  write(): Promise<void>;
  /** The run's end, when this write is one: ends waiting together are written as one batch. */
  end?: RunEnd;
}

export interface FinishQueueOptions {
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** Wait before each further try: doubling from the first to the last, then the last. */
  retryDelaysMs?: readonly number[];
  /** After every refused try (metrics, the store's health). */
  onError?: (error: unknown) => void;
  /** Writes several runs' ends in one transaction; without it each write goes alone. */
  writeEnds?: (ends: RunEnd[]) => Promise<void>;
}

/** The most ends one transaction takes. */
const MAX_BATCH = 256;

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
        // The ends that waited while the previous write was in the store go together: one commit.
        const batch = this.batch();
        try {
          if (batch.length > 1) await this.options.writeEnds!(batch.map((entry) => entry.end!));
          else await head.write();
          this.entries.splice(0, batch.length);
          if (failures > 0) this.options.log.info({ ...head.what, tries: failures + 1, with: batch.length - 1 }, 'recorded the end of a run once the store took it');
          failures = 0;
          for (const entry of batch) {
            entry.tried();
            entry.written();
          }
        } catch (error) {
          failures += 1;
          for (const entry of batch) entry.tried();
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

  /** The head, with the run ends right behind it when they can go in one batch. */
  private batch(): Entry[] {
    const head = this.entries[0]!;
    if (!head.end || !this.options.writeEnds) return [head];
    let size = 1;
    while (size < this.entries.length && size < MAX_BATCH && this.entries[size]!.end) size++;
    return this.entries.slice(0, size);
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

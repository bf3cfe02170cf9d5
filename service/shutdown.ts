/**
 * Graceful shutdown on SIGTERM and SIGINT: stop scheduling, let running runs finish up to a
 * deadline, interrupt the rest (recorded as `interrupted`), close the store and server, exit 0.
 * A second signal means "now": exit 1 at once.
 */
import type { Logger } from './log.js';

export interface ShutdownOptions {
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long running runs may take to finish (QUICKJOBS_SHUTDOWN_TIMEOUT). */
  deadlineMs: number;
  stopScheduling(): void;
  /** Resolves true when no run is left, false when the deadline passed first. */
  waitForRuns(deadlineMs: number): Promise<boolean>;
  /** Stops the runs still going and records them; resolves to how many there were. */
  interruptRemaining(): Promise<number>;
  close(): Promise<void>;
  exit(code: number): void;
  /** Extra time for interrupting and closing before giving up with exit 1 (default 10 s). */
  closeGraceMs?: number;
  /** Signals to handle; default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
}

export interface ShutdownHandle {
  /** Runs the shutdown as a signal would; a second call exits at once with 1. */
  shutdown(reason: string): Promise<void>;
  /** Removes the signal handlers (tests, and a process that hands shutdown to someone else). */
  uninstall(): void;
}

export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let running: Promise<void> | null = null;

  async function graceful(reason: string): Promise<void> {
    const { log } = options;
    log.info({ reason, deadlineMs: options.deadlineMs }, 'shutting down: no new runs; waiting for running runs');
    // If interrupting or closing hangs (a wedged database connection), the process must still end.
    const hardStop = setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      options.exit(1);
    }, options.deadlineMs + (options.closeGraceMs ?? 10_000));
    try {
      options.stopScheduling();
      const drained = await options.waitForRuns(options.deadlineMs);
      if (!drained) {
        const interrupted = await options.interruptRemaining();
        log.warn({ interrupted }, 'shutdown deadline passed; interrupted the runs still going');
      }
      await options.close();
      log.info('shut down cleanly');
      options.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      options.exit(1);
    } finally {
      clearTimeout(hardStop);
    }
  }

  function shutdown(reason: string): Promise<void> {
    if (running) {
      options.log.warn({ reason }, 'second stop request: exiting now');
      options.exit(1);
      return running;
    }
    running = graceful(reason);
    return running;
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);

  return {
    shutdown,
    uninstall() {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}

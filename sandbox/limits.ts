/**
 * Per-run limits that QuickJS does not enforce well enough on its own.
 */
import { LOG_ENTRY_OVERHEAD_BYTES, MAX_LOG_ENTRIES } from './caps.js';
import type { LogEntry, LogLevel } from './types.js';

/**
 * Guest stack. Never larger: at 512 KiB and above deep recursion overflows the host stack first,
 * throwing a host RangeError out of `evalCode` and leaving the runtime unable to dispose.
 */
export const MAX_STACK_BYTES = 256 * 1024;

/**
 * Caps a run's log at a byte budget, each entry costing its text plus LOG_ENTRY_OVERHEAD_BYTES,
 * and at MAX_LOG_ENTRIES entries. Lines are passed on as written; the line that crosses the
 * budget is cut to fit, followed by one marker line, and everything after is dropped.
 */
export class LogCap {
  private used = 0;
  private entries = 0;
  private cut = false;

  constructor(
    private readonly limitBytes: number,
    private readonly emit: (entry: LogEntry) => void,
  ) {}

  write(level: LogLevel, message: string): void {
    if (this.cut) return;
    const at = new Date().toISOString();
    const bytes = Buffer.byteLength(message) + LOG_ENTRY_OVERHEAD_BYTES;
    if (this.used + bytes <= this.limitBytes && this.entries < MAX_LOG_ENTRIES) {
      this.used += bytes;
      this.entries++;
      this.emit({ at, level, message });
      return;
    }
    this.cut = true;
    const room = this.limitBytes - this.used - LOG_ENTRY_OVERHEAD_BYTES;
    if (room > 0 && this.entries < MAX_LOG_ENTRIES) {
      // Cutting bytes may split a character; toString drops the partial one as U+FFFD, so
      // trim it off rather than show a replacement mark.
      const head = Buffer.from(message.slice(0, room)).subarray(0, room).toString().replace(/\uFFFD$/, '');
      if (head) this.emit({ at, level, message: head });
    }
    const reason = this.entries >= MAX_LOG_ENTRIES ? `${MAX_LOG_ENTRIES} entries` : `${this.limitBytes} bytes`;
    this.emit({ at, level: 'warn', message: `[log cut: this run reached its limit of ${reason}]` });
  }
}

/**
 * Samples a run's heap use, at most so often that sampling costs a small share of the run.
 *
 * QuickJS's own `setMemoryLimit` counts only a fixed 8-byte overhead per allocation when built
 * with emscripten (`malloc_usable_size` is 0 there), so it stops single huge allocations but not
 * many medium ones: measured, 100 × 1 MiB ArrayBuffers fit under an 8 MiB limit. The real figure
 * is `memory_used_size` from `computeMemoryUsage()`, which walks the heap: ~50 µs when small,
 * ~15 ms at 45 MB of objects.
 */
export class MemoryWatch {
  private nextAt = 0;
  private exceeded = false;

  constructor(
    private readonly limitBytes: number,
    private readonly measure: () => number,
    private readonly minIntervalMs = 20,
  ) {}

  /** Samples if enough time has passed since the last sample. True once the limit is passed. */
  poll(): boolean {
    if (this.exceeded) return true;
    const now = performance.now();
    if (now < this.nextAt) return false;
    return this.check();
  }

  /** Samples now. True once the limit is passed. */
  check(): boolean {
    if (this.exceeded) return true;
    const start = performance.now();
    const used = this.measure();
    const cost = performance.now() - start;
    // Keep sampling under ~5% of run time on big heaps.
    this.nextAt = start + Math.max(this.minIntervalMs, cost * 20);
    this.exceeded = used > this.limitBytes;
    return this.exceeded;
  }

  get hit(): boolean {
    return this.exceeded;
  }
}

/** The message of a run stopped by the memory limit. */
export function memoryLimitMessage(limitBytes: number): string {
  const mib = limitBytes / (1024 * 1024);
  return `memory limit of ${Number.isInteger(mib) ? `${mib} MiB` : `${limitBytes} bytes`} exceeded`;
}

/** The message of a run stopped by its wall-clock limit. */
export function timeoutMessage(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`;
}

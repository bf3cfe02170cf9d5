/**
 * Bounds on what a run hands back to the host, whatever the guest made: an error message, the
 * log, a host call's answer. Pure functions, so the worker applies them before anything crosses
 * the thread boundary and whoever records a run can apply them again before writing it.
 */
import type { LogEntry, RunError, RunOutcome } from './types.js';

/** The longest error message kept (UTF-8 bytes, marker excluded); `lastError` is one of these. */
export const MAX_ERROR_BYTES = 4 * 1024;

/**
 * What one log entry costs beyond its text: its time, level and the JSON around it. Counted
 * against the log cap, so a run logging empty lines runs out like one logging long ones.
 */
export const LOG_ENTRY_OVERHEAD_BYTES = 64;

/** The most log entries a run keeps, whatever the byte cap allows (the marker line not counted). */
export const MAX_LOG_ENTRIES = 2000;

/** The longest log line or host call arguments (JSON) read out of the guest, in characters. */
export const MAX_GUEST_STRING_CHARS = 2 * 1024 * 1024;

/** Stands for host call arguments too long to read; the host answers it with 840. */
export const ARGS_TOO_LARGE = '"arguments too large"';

/** The largest answer a host call may hand to a job (its JSON); larger ones become an error. */
export const MAX_HOST_ANSWER_BYTES = 8 * 1024 * 1024;

/** Room left for the cut marker: a text at most this much over its cap is kept, so capping twice changes nothing. */
export const MARKER_ROOM_BYTES = 48;

/** `text` cut to at most `maxBytes` UTF-8 bytes, with a marker saying how long it was (MARKER_ROOM_BYTES more at most). */
export function capText(text: string, maxBytes: number): string {
  // Most messages are short: skip the byte count when even 3 bytes a character would fit.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes + MARKER_ROOM_BYTES) return text;
  // Cutting bytes may split a character; toString turns the partial one into U+FFFD: trim it.
  const head = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString().replace(/\uFFFD$/, '');
  return `${head}… [cut: ${bytes} bytes in all]`;
}

export function capRunError(error: RunError): RunError {
  const message = capText(String(error.message), MAX_ERROR_BYTES);
  return message === error.message ? error : { ...error, message };
}

/**
 * The log kept under `limitBytes` (each entry costing its text plus LOG_ENTRY_OVERHEAD_BYTES) and
 * MAX_LOG_ENTRIES. The worker's LogCap already keeps to this; it is the backstop for a recorder.
 */
export function capLogs(logs: LogEntry[], limitBytes: number): LogEntry[] {
  let used = 0;
  for (let i = 0; i < logs.length; i++) {
    used += Buffer.byteLength(logs[i]!.message) + LOG_ENTRY_OVERHEAD_BYTES;
    // One entry past the limits is allowed: the cut marker that LogCap writes.
    if (used > limitBytes + 256 + LOG_ENTRY_OVERHEAD_BYTES || i > MAX_LOG_ENTRIES) {
      const kept = logs.slice(0, i);
      kept.push({ at: logs[i]!.at, level: 'warn', message: `[log cut: ${logs.length - i} more entries dropped]` });
      return kept;
    }
  }
  return logs;
}

/** An outcome with its error message and log within the caps above. */
export function capOutcome(outcome: RunOutcome, logLimitBytes: number): RunOutcome {
  const logs = capLogs(outcome.logs, logLimitBytes);
  if (outcome.outcome === 'success') return logs === outcome.logs ? outcome : { ...outcome, logs };
  return { ...outcome, error: capRunError(outcome.error), logs };
}

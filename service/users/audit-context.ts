/**
 * The audit entry a request is about to earn, carried with its async work, so that the store
 * writes it inside the same transaction as the change it records (SPEC §14): the SQLite store
 * wraps the change and the entry in one transaction, the MySQL store's `transaction()` inserts it
 * before its commit. A change that is refused rolls back and leaves no entry.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NewAuditEntry } from './types.js';

export interface PendingAudit {
  entry: NewAuditEntry;
  /** Words for the summary that only the change's answer knows (the code version saved). */
  summarize?: (answer: unknown) => string | null;
  written: boolean;
  /** Set when the request ended: timers it armed must never write its entry later. */
  closed: boolean;
}

const current = new AsyncLocalStorage<PendingAudit>();

/** Runs `work` with `entry` pending: the first store write inside it records the entry with it. */
export async function withAudit<T>(pending: Omit<PendingAudit, 'written' | 'closed'>, work: () => Promise<T>): Promise<{ answer: T; audit: PendingAudit }> {
  const audit: PendingAudit = { ...pending, written: false, closed: false };
  try {
    return { answer: await current.run(audit, work), audit };
  } finally {
    audit.closed = true;
  }
}

/** The entry still waiting to be written by this async context's next store write, if any. */
export function pendingAudit(): PendingAudit | null {
  const audit = current.getStore();
  return audit && !audit.written && !audit.closed ? audit : null;
}

/** Whether a store write earned the entry: a delete that found nothing (`false`) changed nothing. */
export function changedAnything(answer: unknown): boolean {
  return answer !== false;
}

/** The entry as written, given the answer of the change it records. */
export function auditRow(audit: PendingAudit, answer: unknown): NewAuditEntry {
  const extra = audit.summarize?.(answer);
  return extra ? { ...audit.entry, summary: audit.entry.summary ? `${audit.entry.summary}; ${extra}` : extra } : audit.entry;
}

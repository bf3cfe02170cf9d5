/**
 * What a safe draft held instead of doing (SPEC §10): the SQL it ran inside the transaction that
 * was rolled back, the emails it would have sent, the requests it would have made, the `core.data`
 * writes it made to its scratch layer. Plain data: it crosses from the worker thread to the run.
 */

export interface HeldStatement {
  db: string;
  sql: string;
  params: unknown[];
  /** Rows the statement changed before the rollback. */
  affectedRows: number;
}

export interface HeldEmail {
  from: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string | null;
  subject: string;
  text: string | null;
  html: string | null;
}

export interface HeldRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface HeldDataWrite {
  source: string;
  op: 'save' | 'delete';
  id: string;
  /** The object saved (with its `_id`); absent for a delete. */
  object?: Record<string, unknown>;
}

export interface Held {
  sql: HeldStatement[];
  emails: HeldEmail[];
  requests: HeldRequest[];
  data: HeldDataWrite[];
  /** Set when something could not be undone cleanly (the rollback failed: the server rolls back when the connection ends). */
  error?: string;
}

export function emptyHeld(): Held {
  return { sql: [], emails: [], requests: [], data: [] };
}

/** The worker's report, read defensively: anything but lists counts as nothing held. */
export function readHeld(value: unknown): Held | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  const v = value as Partial<Record<keyof Held, unknown>>;
  const list = <T>(x: unknown): T[] => (Array.isArray(x) ? (x as T[]) : []);
  const held: Held = { sql: list(v.sql), emails: list(v.emails), requests: list(v.requests), data: list(v.data) };
  if (typeof v.error === 'string') held.error = v.error;
  return held;
}

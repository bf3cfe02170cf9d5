/** The JSON shapes of the service's HTTP API (SPEC §5), as the webmin reads them. */

export type JobStatus = 'ok' | 'sleep' | 'stop' | 'exit' | 'once-pending' | 'once-done';
export type JobResult = 'OK' | 'SLEEP' | 'STOP' | 'EXIT';
export type RunOutcome = 'running' | 'success' | 'error' | 'timeout' | 'interrupted';
export type RunTrigger = 'schedule' | 'manual' | 'boot';

export interface Notify {
  email: string[];
  webhook: string | null;
}

export interface Job {
  name: string;
  description: string;
  interval: number | null;
  cron: string | null;
  timezone: string | null;
  runOnce: boolean;
  active: boolean;
  timeout: number;
  missed: 'once' | 'skip';
  onError: 'exit' | 'continue';
  notify: Notify | null;
  status: JobStatus;
  running: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastResult: JobResult | null;
  lastError: string | null;
  path: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a person sets on a job through the form. */
export type JobSettings = Pick<
  Job,
  'description' | 'interval' | 'cron' | 'timezone' | 'runOnce' | 'active' | 'timeout' | 'missed' | 'onError' | 'notify'
>;

export interface NewJob extends JobSettings {
  name: string;
  code?: string;
}

export interface LogEntry {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Run {
  id: number;
  job: string;
  trigger: RunTrigger;
  scheduledAt: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  result: JobResult | null;
  outcome: RunOutcome;
  error: { message: string; line?: number; column?: number } | null;
  logs: LogEntry[];
  codeVersion: number | null;
  /** What a safe draft held instead of doing; only on the answer to a safe draft run. */
  held?: Held;
}

/** A safe draft's side effects, held (SPEC §10). */
export interface Held {
  sql: Array<{ db: string; sql: string; params: unknown[]; affectedRows: number }>;
  emails: Array<{ from: string | null; to: string[]; cc: string[]; bcc: string[]; subject: string; text: string | null; html: string | null }>;
  requests: Array<{ method: string; url: string; headers: Record<string, string>; body: string | null }>;
  data: Array<{ source: string; op: 'save' | 'delete'; id: string; object?: Record<string, unknown> }>;
  error?: string;
}

export type RunMode = 'safe' | 'live';

/** A secret as the API lists it: never its value. */
export interface SecretInfo {
  name: string;
  updatedAt: string;
  updatedBy: string | null;
}

export interface ServiceStatus {
  status: 'running' | 'reloading';
  bootedAt: string;
  reloadedAt: string | null;
  version: string;
  jobs: { total: number; active: number; running: number };
}

export interface JobCode {
  code: string;
  version: number;
}

/** One alert about a job and its delivery attempts. */
export interface AlertDelivery {
  id: number;
  job: string;
  event: 'job.failed' | 'job.recovered';
  channel: 'email' | 'webhook';
  target: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: Array<{ at: string; ok: boolean; status?: number; error?: string }>;
  createdAt: string;
  updatedAt: string;
}

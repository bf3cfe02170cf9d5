/** The JSON shapes of the service's HTTP API (SPEC §5), as the webmin reads them. */

export type JobStatus = 'ok' | 'sleep' | 'stop' | 'exit' | 'once-pending' | 'once-done';
export type JobResult = 'OK' | 'SLEEP' | 'STOP' | 'EXIT';
export const RUN_OUTCOMES = ['queued', 'running', 'success', 'error', 'timeout', 'interrupted', 'cancelled'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
/** How a run can end: what the dashboard counts (runs in flight are counted apart). */
export const ENDED_OUTCOMES = ['success', 'error', 'timeout', 'interrupted', 'cancelled'] as const;
export type EndedOutcome = (typeof ENDED_OUTCOMES)[number];
export const RUN_TRIGGERS = ['schedule', 'manual', 'boot', 'draft'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
/** Who started a run or saved a version: the webmin, an API token, or null for the service. */
/** Who started a run or saved a version: a user's name (older records: `webmin`, `token`), or null for the service. */
export type By = string | null;

export interface Notify {
  email: string[];
  webhook: string | null;
}

/** What a job's code is written in (SPEC §11). */
export const JOB_LANGUAGES = ['javascript', 'typescript'] as const;
export type JobLanguage = (typeof JOB_LANGUAGES)[number];

export interface Job {
  name: string;
  description: string;
  language: JobLanguage;
  interval: number | null;
  cron: string | null;
  timezone: string | null;
  /** The period its scheduled runs are limited to (SPEC §12), or null. */
  period: string | null;
  runOnce: boolean;
  active: boolean;
  timeout: number;
  missed: 'once' | 'skip';
  onError: 'exit' | 'continue';
  notify: Notify | null;
  /** What the job reads as `job.params`, as written: placeholders and `{"$secret": name}` references (SPEC §13). */
  params: Record<string, unknown>;
  status: JobStatus;
  running: boolean;
  nextRunAt: string | null;
  /** Set while the job waits for its period to open. */
  periodWait: { period: string; opensAt: string | null } | null;
  lastRunAt: string | null;
  lastResult: JobResult | null;
  lastError: string | null;
  path: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Who created it, and who last changed it; null for the jobs folder. */
  createdBy: string | null;
  updatedBy: string | null;
}

/** What a person sets on a job through the form. */
export type JobSettings = Pick<
  Job,
  'description' | 'language' | 'interval' | 'cron' | 'timezone' | 'period' | 'runOnce' | 'active' | 'timeout' | 'missed' | 'onError' | 'notify' | 'params'
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
  /** When the service took the run up. */
  queuedAt: string;
  /** When the job's code began in its sandbox; null while queued, or if it never began. */
  startedAt: string | null;
  finishedAt: string | null;
  /** From the slot (or the queueing) to the code's start. */
  waitMs: number | null;
  /** The code's own time. */
  durationMs: number | null;
  result: JobResult | null;
  outcome: RunOutcome;
  error: { message: string; line?: number; column?: number } | null;
  logs: LogEntry[];
  codeVersion: number | null;
  by: By;
  cancelledBy: By;
  /** The node that ran it. */
  node?: string | null;
  /** The params it ran with, dates resolved, secrets as `***`; null for runs from before params. */
  params: Record<string, unknown> | null;
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

/** `GET /runs` filters, as the Runs page keeps them in its address. */
export interface RunFilters {
  job?: string;
  outcome?: RunOutcome;
  trigger?: RunTrigger;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

export interface CodeVersionInfo {
  version: number;
  savedAt: string;
  bytes: number;
  by: By;
}

export interface Slots {
  timezone: string;
  /** The period the runs are limited to, or null. */
  period: string | null;
  /** When it will run. */
  slots: string[];
  /** The same, with the slot each run stands for (earlier when it waited for its period to open). */
  runs: Array<{ at: string; slot: string }>;
  /** Slots of its cadence that its period leaves out. */
  skipped: string[];
}

export interface PeriodStats {
  runs: number;
  byOutcome: Record<RunOutcome, number>;
  successRate: number | null;
  meanDurationMs: number | null;
  p95DurationMs: number | null;
  meanLatenessMs: number | null;
  p95LatenessMs: number | null;
}

export interface Stats {
  since: string;
  until: string;
  timeZone: string;
  jobs: Record<string, number>;
  days: Array<{ day: string; outcomes: Record<RunOutcome, number> }>;
  period: PeriodStats;
  previous: PeriodStats & { since: string; until: string };
  failingMost: Array<{ job: string; failures: number; runs: number }>;
  inFlight: number;
}

export interface ServiceStatus {
  status: 'running' | 'reloading';
  bootedAt: string;
  reloadedAt: string | null;
  version: string;
  jobs: { total: number; active: number; running: number; queued: number };
  /** This node's id and every node of the cluster. */
  node?: string;
  nodes?: Array<{ id: string; startedAt: string; heartbeatAt: string; alive: boolean; jobs: number; running: number }>;
}

export interface JobCode {
  code: string;
  version: number;
  savedAt?: string;
  by?: By;
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

/** One stretch of wall-clock time on the given days, in the period's zone. */
export interface PeriodRange {
  days: string[];
  from: string;
  to: string;
}

/** A time period (SPEC §12). */
export interface Period {
  name: string;
  description: string;
  timezone: string | null;
  ranges: PeriodRange[];
  exclude: string[];
  owner: 'user' | 'folder';
  createdAt: string;
  updatedAt: string;
}

export type PeriodInput = Pick<Period, 'name' | 'description' | 'timezone' | 'ranges' | 'exclude'>;

/** When a period is inside: from `from` up to `to` (null: beyond the search). */
export interface PeriodInterval {
  from: string;
  to: string | null;
}

export type Role = 'viewer' | 'operator' | 'editor' | 'admin';

/** Who this session is: `GET /me`. */
export interface Me {
  name: string;
  role: Role;
  via: 'webmin' | 'token';
}

export interface User {
  name: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  user: string | null;
  via: 'webmin' | 'token' | 'cli' | 'folder';
  action: string;
  target: string | null;
  summary: string;
}

export interface AuditFilters {
  user?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

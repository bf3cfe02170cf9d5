/** The JSON shapes of the service's HTTP API (SPEC §5), as the webmin reads them. */

export type JobStatus = 'ok' | 'sleep' | 'stop' | 'exit' | 'once-pending' | 'once-done';
export type JobResult = 'OK' | 'SLEEP' | 'STOP' | 'EXIT';
export const RUN_OUTCOMES = ['running', 'success', 'error', 'timeout', 'interrupted', 'cancelled'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export const RUN_TRIGGERS = ['schedule', 'manual', 'boot', 'draft'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
/** Who started a run or saved a version: the webmin, an API token, or null for the service. */
export type By = 'webmin' | 'token' | null;

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
  by: By;
  cancelledBy: By;
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
  slots: string[];
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
  jobs: { total: number; active: number; running: number };
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

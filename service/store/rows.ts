/**
 * Rows as both stores hand them back, and their mapping to the service's records. Booleans are
 * 0/1, nested values (notify, error, logs, attempts) JSON text; everything else maps one to one.
 */
import type {
  By,
  AlertDelivery,
  CodeText,
  CodeVersion,
  Job,
  JobLanguage,
  JobOwner,
  JobResult,
  JobStatus,
  LogEntry,
  MissedPolicy,
  Notify,
  OnErrorPolicy,
  RunError,
  RunOutcomeName,
  RunRecord,
  RunTrigger,
} from '../jobs/types.js';
import type { JobParams } from '../jobs/params.js';
import type { JobPatch } from './store.js';

export interface JobRow {
  name: string;
  description: string;
  interval: number | null;
  cron: string | null;
  timezone: string | null;
  run_once: number;
  active: number;
  timeout: number;
  missed: string;
  on_error: string;
  notify: string | null;
  status: string;
  next_run_at: number | null;
  last_run_at: number | null;
  last_scheduled_at: number | null;
  last_result: string | null;
  last_error: string | null;
  failing: number;
  path: string;
  version: number;
  owner: string;
  source_hash: string | null;
  created_at: number;
  updated_at: number;
  period: string | null;
  /** JSON text; null (rows written before params existed) reads as `{}`. */
  params: string | null;
  language: string;
  created_by: string | null;
  updated_by: string | null;
}

/** Every column of the jobs table, for the INSERT. */
export const JOB_COLUMNS = [
  'name', 'description', 'interval', 'cron', 'timezone', 'run_once', 'active', 'timeout', 'missed',
  'on_error', 'notify', 'status', 'next_run_at', 'last_run_at', 'last_scheduled_at', 'last_result',
  'last_error', 'failing', 'path', 'version', 'owner', 'source_hash', 'created_at', 'updated_at', 'period',
  'params', 'language', 'created_by', 'updated_by',
] as const satisfies ReadonlyArray<keyof JobRow>;

export type SqlValue = string | number | null;

/** Every column a `JobPatch` may change, keyed by the field. `version` is changed by saveCode only. */
const PATCH_COLUMNS = {
  description: { column: 'description', encode: (v: string) => v },
  language: { column: 'language', encode: (v: JobLanguage) => v },
  interval: { column: 'interval', encode: (v: number | null) => v },
  cron: { column: 'cron', encode: (v: string | null) => v },
  timezone: { column: 'timezone', encode: (v: string | null) => v },
  period: { column: 'period', encode: (v: string | null) => v },
  runOnce: { column: 'run_once', encode: (v: boolean) => (v ? 1 : 0) },
  active: { column: 'active', encode: (v: boolean) => (v ? 1 : 0) },
  timeout: { column: 'timeout', encode: (v: number) => v },
  missed: { column: 'missed', encode: (v: MissedPolicy) => v },
  onError: { column: 'on_error', encode: (v: OnErrorPolicy) => v },
  notify: { column: 'notify', encode: (v: Notify | null) => (v === null ? null : JSON.stringify(v)) },
  params: { column: 'params', encode: (v: JobParams) => JSON.stringify(v) },
  status: { column: 'status', encode: (v: JobStatus) => v },
  nextRunAt: { column: 'next_run_at', encode: (v: number | null) => v },
  lastRunAt: { column: 'last_run_at', encode: (v: number | null) => v },
  lastScheduledAt: { column: 'last_scheduled_at', encode: (v: number | null) => v },
  lastResult: { column: 'last_result', encode: (v: JobResult | null) => v },
  lastError: { column: 'last_error', encode: (v: string | null) => v },
  failing: { column: 'failing', encode: (v: boolean) => (v ? 1 : 0) },
  path: { column: 'path', encode: (v: string) => v },
  owner: { column: 'owner', encode: (v: JobOwner) => v },
  sourceHash: { column: 'source_hash', encode: (v: string | null) => v },
  updatedAt: { column: 'updated_at', encode: (v: number) => v },
  createdBy: { column: 'created_by', encode: (v: string | null) => v },
  updatedBy: { column: 'updated_by', encode: (v: string | null) => v },
} satisfies { [K in keyof Required<JobPatch>]: { column: string; encode: (v: Required<JobPatch>[K]) => SqlValue } };

type PatchField = keyof typeof PATCH_COLUMNS;

/**
 * The columns and values a patch sets, in the patch's own key order (the same caller produces the
 * same shape, so it reuses one prepared statement). Fields the patch leaves undefined, and keys
 * that are not patchable, are skipped. Walks the patch, not the column table: a scheduler patch
 * has three or four fields and a reload applies ten thousand of them.
 */
export function patchColumns(patch: JobPatch): { columns: string[]; values: SqlValue[] } {
  const columns: string[] = [];
  const values: SqlValue[] = [];
  for (const field in patch) {
    if (!Object.hasOwn(PATCH_COLUMNS, field)) continue;
    const value = patch[field as PatchField];
    if (value === undefined) continue;
    const { column, encode } = PATCH_COLUMNS[field as PatchField];
    columns.push(column);
    values.push((encode as (v: unknown) => SqlValue)(value));
  }
  return { columns, values };
}

export function jobToRow(job: Job): JobRow {
  return {
    name: job.name,
    description: job.description,
    interval: job.interval,
    cron: job.cron,
    timezone: job.timezone,
    run_once: job.runOnce ? 1 : 0,
    active: job.active ? 1 : 0,
    timeout: job.timeout,
    missed: job.missed,
    on_error: job.onError,
    notify: job.notify === null ? null : JSON.stringify(job.notify),
    status: job.status,
    next_run_at: job.nextRunAt,
    last_run_at: job.lastRunAt,
    last_scheduled_at: job.lastScheduledAt,
    last_result: job.lastResult,
    last_error: job.lastError,
    failing: job.failing ? 1 : 0,
    path: job.path,
    version: job.version,
    owner: job.owner,
    source_hash: job.sourceHash,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    period: job.period,
    params: JSON.stringify(job.params),
    language: job.language,
    created_by: job.createdBy ?? null,
    updated_by: job.updatedBy ?? null,
  };
}

/** A jobs row as an array in JOB_COLUMNS order: better-sqlite3 builds arrays several times faster than objects. */
export type JobValues = ColumnValues<typeof JOB_COLUMNS>;
type ColumnValues<T extends ReadonlyArray<keyof JobRow>> = { [I in keyof T]: T[I] extends keyof JobRow ? JobRow[T[I]] : never };

// The casts below trust the file: only this store writes it, through jobToRow and patchColumns.
export function jobFromValues(values: JobValues): Job {
  const [
    name, description, interval, cron, timezone, runOnce, active, timeout, missed, onError, notify,
    status, nextRunAt, lastRunAt, lastScheduledAt, lastResult, lastError, failing, path, version,
    owner, sourceHash, createdAt, updatedAt, period, params, language, createdBy, updatedBy,
  ] = values;
  return {
    name,
    description,
    language: language as JobLanguage,
    interval,
    cron,
    timezone,
    period,
    runOnce: runOnce === 1,
    active: active === 1,
    timeout,
    missed: missed as MissedPolicy,
    onError: onError as OnErrorPolicy,
    notify: notify === null ? null : (JSON.parse(notify) as Notify),
    params: params === null ? {} : (JSON.parse(params) as JobParams),
    status: status as JobStatus,
    nextRunAt,
    lastRunAt,
    lastScheduledAt,
    lastResult: lastResult as JobResult | null,
    lastError,
    failing: failing === 1,
    path,
    version,
    owner: owner as JobOwner,
    sourceHash,
    createdAt,
    updatedAt,
    createdBy,
    updatedBy,
  };
}

export interface CodeRow {
  job: string;
  version: number;
  code: string;
  saved_at: number;
  saved_by: string | null;
  compiled: string | null;
  source_map: string | null;
}

export function codeFromRow(row: CodeRow): CodeVersion {
  return {
    job: row.job,
    version: row.version,
    code: row.code,
    compiled: row.compiled,
    sourceMap: row.source_map,
    savedAt: row.saved_at,
    by: row.saved_by as By,
  };
}

/** A version's code as given to createJob and saveCode: plain code is JavaScript. */
export function codeText(code: string | CodeText): CodeText {
  return typeof code === 'string' ? { code, compiled: null, sourceMap: null } : code;
}

export interface RunRow {
  id: number;
  job: string;
  trigger: string;
  scheduled_at: number | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  wait_ms: number | null;
  duration_ms: number | null;
  result: string | null;
  outcome: string;
  error: string | null;
  logs: string;
  code_version: number | null;
  run_by: string | null;
  cancelled_by: string | null;
  node?: string | null;
  params?: string | null;
}

/** The outcome a run is kept under: a run in flight is `running` in the store, queued or not. */
export function storedOutcome(outcome: RunOutcomeName | undefined): string | undefined {
  return outcome === 'queued' ? 'running' : outcome;
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    job: row.job,
    trigger: row.trigger as RunTrigger,
    scheduledAt: row.scheduled_at,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    waitMs: row.wait_ms,
    durationMs: row.duration_ms,
    result: row.result as JobResult | null,
    outcome: row.outcome as RunOutcomeName,
    error: row.error === null ? null : (JSON.parse(row.error) as RunError),
    logs: JSON.parse(row.logs) as LogEntry[],
    codeVersion: row.code_version,
    by: row.run_by as By,
    cancelledBy: row.cancelled_by as By,
    node: row.node ?? null,
    params: row.params == null ? null : (JSON.parse(row.params) as JobParams),
  };
}

export interface AlertRow {
  id: number;
  job: string;
  event: string;
  channel: string;
  target: string;
  state: string;
  attempts: string;
  created_at: number;
  updated_at: number;
}

export function alertFromRow(row: AlertRow): AlertDelivery {
  return {
    id: row.id,
    job: row.job,
    event: row.event as AlertDelivery['event'],
    channel: row.channel as AlertDelivery['channel'],
    target: row.target,
    state: row.state as AlertDelivery['state'],
    attempts: JSON.parse(row.attempts) as AlertDelivery['attempts'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

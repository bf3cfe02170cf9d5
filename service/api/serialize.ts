/** The JSON shapes of SPEC §5: times as ISO 8601 UTC, internal fields left out. */
import { shownParams } from '../jobs/params.js';
import type { AlertDelivery, CodeVersion, Job, RunRecord } from '../jobs/types.js';

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** When a job next runs with its period applied, and whether it waits for the period to open. */
export interface JobSchedule {
  nextRunAt: number | null;
  periodWait: { period: string; opensAt: number | null } | null;
}

export function jobJson(job: Job, running: boolean, schedule: JobSchedule = { nextRunAt: job.nextRunAt, periodWait: null }) {
  return {
    name: job.name,
    description: job.description,
    language: job.language,
    interval: job.interval,
    cron: job.cron,
    timezone: job.timezone,
    period: job.period,
    runOnce: job.runOnce,
    active: job.active,
    timeout: job.timeout,
    missed: job.missed,
    onError: job.onError,
    notify: job.notify,
    // As written: placeholders and secret references, never a secret's value.
    params: job.params,
    status: job.status,
    running,
    nextRunAt: iso(schedule.nextRunAt),
    periodWait: schedule.periodWait && { period: schedule.periodWait.period, opensAt: iso(schedule.periodWait.opensAt) },
    lastRunAt: iso(job.lastRunAt),
    lastResult: job.lastResult,
    lastError: job.lastError,
    path: job.path,
    version: job.version,
    owner: job.owner,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
    createdBy: job.createdBy ?? null,
    updatedBy: job.updatedBy ?? null,
  };
}

/** A code version: the code as written and, for TypeScript, the JavaScript that runs. */
export function codeJson(code: CodeVersion) {
  return {
    code: code.code,
    language: code.compiled === null ? 'javascript' : 'typescript',
    ...(code.compiled === null ? {} : { compiled: code.compiled }),
    version: code.version,
    savedAt: iso(code.savedAt),
    by: code.by,
  };
}

export function runJson(run: RunRecord) {
  return {
    id: run.id,
    job: run.job,
    trigger: run.trigger,
    scheduledAt: iso(run.scheduledAt),
    queuedAt: iso(run.queuedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    waitMs: run.waitMs,
    durationMs: run.durationMs,
    result: run.result,
    outcome: run.outcome,
    error: run.error,
    logs: run.logs,
    codeVersion: run.codeVersion,
    by: run.by,
    cancelledBy: run.cancelledBy,
    ...(run.held ? { held: run.held } : {}),
    node: run.node,
    // Dates as resolved for the run; secrets as `***`.
    params: run.params === null ? null : shownParams(run.params),
  };
}

export function alertJson(alert: AlertDelivery) {
  return {
    ...alert,
    createdAt: iso(alert.createdAt),
    updatedAt: iso(alert.updatedAt),
    attempts: alert.attempts.map((a) => ({ ...a, at: iso(a.at) })),
  };
}

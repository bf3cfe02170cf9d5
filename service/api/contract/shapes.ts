/**
 * The JSON shapes the API answers with (SPEC §5), as zod schemas: the OpenAPI document's response
 * schemas are generated from these, and the test suite checks every answer against them.
 */
import { z } from '@hono/zod-openapi';
import { JOB_RESULTS, RUN_TRIGGERS } from '../../../sandbox/types.js';
import { JOB_LANGUAGES, JOB_STATUSES, RUN_OUTCOMES } from '../../jobs/types.js';
import { ROLES, VIAS } from '../../users/types.js';

const time = z.iso.datetime().describe('ISO 8601 UTC time');
const nullableTime = time.nullable();
/** A named schema or null: `.nullable()` on a named schema would lose the null in the document (a bare $ref). */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
const by = z.string().nullable().describe('who did it; null for the scheduler, the jobs folder or the service');

/** `{"error": {code, message, ...}}`: every refusal and failure. */
export const ErrorBody = z
  .object({
    error: z.looseObject({
      code: z.string().describe('machine-readable: invalid, not_found, conflict, exists, forbidden, unauthorized, …'),
      message: z.string().describe('for people'),
      field: z.string().optional().describe('the request field at fault (422 invalid, some 400 and 409)'),
      line: z.number().int().optional(),
      column: z.number().int().optional(),
      role: z.string().optional().describe('403: the role the call needs'),
    }),
  })
  .openapi('Error');

export const Notify = z.object({ email: z.array(z.string()), webhook: z.string().nullable() }).openapi('Notify');
export const Params = z.record(z.string(), z.unknown()).describe('named values a job reads as job.params; {"$secret": name} for a secret').openapi('Params');

export const Job = z
  .object({
    name: z.string(),
    description: z.string(),
    language: z.enum(JOB_LANGUAGES),
    interval: z.number().int().nullable().describe('seconds; null when cron is set'),
    cron: z.string().nullable(),
    timezone: z.string().nullable(),
    period: z.string().nullable(),
    runOnce: z.boolean(),
    active: z.boolean(),
    timeout: z.number().int(),
    missed: z.enum(['once', 'skip']),
    onError: z.enum(['exit', 'continue']),
    notify: orNull(Notify),
    params: Params,
    status: z.enum(JOB_STATUSES),
    running: z.boolean(),
    nextRunAt: nullableTime,
    periodWait: z.object({ period: z.string(), opensAt: nullableTime }).nullable(),
    lastRunAt: nullableTime,
    lastResult: z.enum(JOB_RESULTS).nullable(),
    lastError: z.string().nullable(),
    path: z.string().nullable(),
    version: z.number().int(),
    owner: z.enum(['user', 'folder']),
    createdAt: time,
    updatedAt: time,
    createdBy: by,
    updatedBy: by,
  })
  .openapi('Job');

export const LogEntry = z.object({ at: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() }).openapi('LogEntry');

export const Run = z
  .object({
    id: z.number().int(),
    job: z.string(),
    trigger: z.enum(RUN_TRIGGERS),
    scheduledAt: nullableTime,
    queuedAt: time,
    startedAt: nullableTime,
    finishedAt: nullableTime,
    waitMs: z.number().nullable(),
    durationMs: z.number().nullable(),
    result: z.enum(JOB_RESULTS).nullable(),
    outcome: z.enum(RUN_OUTCOMES),
    error: z.object({ message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() }).nullable(),
    logs: z.array(LogEntry),
    codeVersion: z.number().int().nullable(),
    by,
    cancelledBy: by,
    held: z.looseObject({}).optional().describe("a safe draft's held side effects"),
    node: z.string().nullable(),
    params: orNull(Params).describe('as the run saw them, secrets as ***; null for runs recorded before params existed'),
  })
  .openapi('Run');

export const CodeVersion = z
  .object({
    code: z.string(),
    language: z.enum(JOB_LANGUAGES),
    compiled: z.string().optional().describe('the JavaScript that runs (TypeScript jobs only)'),
    version: z.number().int(),
    savedAt: time,
    by,
  })
  .openapi('CodeVersion');

export const VersionInfo = z.object({ version: z.number().int(), savedAt: time, bytes: z.number().int(), by }).openapi('VersionInfo');

export const Upcoming = z
  .object({
    timezone: z.string(),
    period: z.string().nullable(),
    slots: z.array(time).describe('when it will run'),
    runs: z.array(z.object({ at: time, slot: time })).describe('the same, with the slot each counts as'),
    skipped: z.array(time).describe('cadence slots its period leaves out'),
  })
  .openapi('Upcoming');

export const Alert = z
  .object({
    id: z.number().int(),
    job: z.string(),
    event: z.enum(['job.failed', 'job.recovered']),
    channel: z.enum(['email', 'webhook']),
    target: z.string(),
    state: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.array(z.object({ at: time, ok: z.boolean(), status: z.number().int().optional(), error: z.string().optional() })),
    createdAt: time,
    updatedAt: time,
  })
  .openapi('Alert');

export const PeriodRange = z.object({ days: z.array(z.string()), from: z.string(), to: z.string() }).openapi('PeriodRange');

export const Period = z
  .object({
    name: z.string(),
    description: z.string(),
    timezone: z.string().nullable(),
    ranges: z.array(PeriodRange),
    exclude: z.array(z.string()),
    owner: z.enum(['user', 'folder']),
    createdAt: time,
    updatedAt: time,
  })
  .openapi('Period');

export const Interval = z.object({ from: time, to: time }).openapi('Interval');

export const Status = z
  .looseObject({
    status: z.enum(['running', 'reloading']),
    bootedAt: time,
    reloadedAt: nullableTime,
    version: z.string(),
    jobs: z.object({ total: z.number().int(), active: z.number().int(), running: z.number().int(), queued: z.number().int() }),
  })
  .describe('more facts (pool, store) may follow')
  .openapi('Status');

const counts = z.record(z.string(), z.number().int());
const periodFigures = {
  runs: z.number().int(),
  byOutcome: counts,
  successRate: z.number().nullable(),
  meanDurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  meanLatenessMs: z.number().nullable(),
  p95LatenessMs: z.number().nullable(),
};

export const Stats = z
  .object({
    since: time,
    until: time,
    timeZone: z.string(),
    jobs: counts.describe('total, inactive and a count per status'),
    days: z.array(z.object({ day: z.string(), outcomes: counts })),
    period: z.object(periodFigures),
    previous: z.object({ since: time, until: time, ...periodFigures }),
    failingMost: z.array(z.object({ job: z.string(), failures: z.number().int(), runs: z.number().int() })),
    inFlight: z.number().int(),
  })
  .openapi('Stats');

export const Secret = z.object({ name: z.string(), updatedAt: time, updatedBy: by }).openapi('Secret');

export const User = z.object({ name: z.string(), role: z.enum(ROLES), createdAt: time, lastLoginAt: nullableTime }).openapi('User');

export const Token = z
  .object({ id: z.string(), name: z.string(), owner: z.string(), createdAt: time, lastUsedAt: nullableTime, expiresAt: nullableTime })
  .openapi('Token');

export const NewToken = Token.extend({ token: z.string().describe('shown this once; only its hash is kept') }).openapi('NewToken');

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: time,
    user: z.string().nullable(),
    via: z.enum(VIAS),
    action: z.string(),
    target: z.string().nullable(),
    summary: z.string(),
  })
  .openapi('AuditEntry');

export const Me = z.object({ name: z.string(), role: z.enum(ROLES), via: z.enum(['webmin', 'token']) }).openapi('Me');

export const Ok = z.object({ ok: z.literal(true) });
export const Deleted = z.object({ deleted: z.string().describe('the name or id deleted') });
export const Login = z.object({ ok: z.literal(true), expiresAt: time, user: z.object({ name: z.string(), role: z.enum(ROLES) }) });
export const Health = z.looseObject({ ok: z.boolean() });

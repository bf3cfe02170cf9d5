/**
 * What requests may send: bodies and query strings as zod schemas. The routes validate with these
 * (api/validate.ts) and the OpenAPI document describes them, one object for both. A schema checks
 * the shape (types, lengths, unknown fields); what depends on more than one field or on the
 * service's state (a cron expression, a time zone, interval versus cron, a period's days) is the
 * domain parsers' work behind it. Messages leave out the field: validate.ts puts it in front.
 */
import { z } from '@hono/zod-openapi';
import { MAX_UPCOMING } from '../../job-service/job-service.js';
import { JOB_NAME_PATTERN, MAX_INTERVAL_SECONDS, MAX_TIMEOUT_SECONDS, EMAIL_PATTERN } from '../../jobs/job-input.js';
import { JOB_LANGUAGES, RUN_OUTCOMES } from '../../jobs/types.js';
import { RUN_TRIGGERS } from '../../../sandbox/types.js';
import { MAX_OPENINGS } from '../../periods/period-service.js';
import { MAX_EXCLUDES, MAX_RANGES } from '../../periods/period-input.js';
import { MAX_SECRET_CHARS } from '../../secrets/secret-input.js';
import { ROLES } from '../../users/types.js';
import { STATS_DAYS } from '../console-query.js';

const MAX_CODE_CHARS = 1_000_000;

const NAME = 'must start with a letter and hold only letters, digits, "_" and "-" (at most 64 characters)';
const text = (max: number) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).max(max, { error: `must be at most ${max} characters` });
const whole = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const bool = () => z.boolean({ error: 'must be true or false' });
const choice = <T extends readonly [string, ...string[]]>(choices: T) => z.enum(choices, { error: `must be one of ${choices.map((c) => `"${c}"`).join(', ')}` });
const name = () => z.string({ error: NAME }).regex(JOB_NAME_PATTERN, { error: NAME });
const code = () => text(MAX_CODE_CHARS).describe('the job script (JavaScript, or TypeScript for a TypeScript job)');
const params = () =>
  z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object of parameter names and values' })
    .describe('named values the job reads as job.params: JSON, {{date}} placeholders, {"$secret": name}');

const notify = z.strictObject(
  {
    email: z
      .array(z.string({ error: 'must be a list of email addresses' }), { error: 'must be a list of email addresses' })
      .refine((list) => list.every((address) => EMAIL_PATTERN.test(address)), { error: 'must be a list of email addresses' })
      .nullable()
      .optional(),
    webhook: z.string({ error: 'must be an http or https URL' }).nullable().optional(),
  },
  { error: 'must be an object like {"email": ["ops@example.com"], "webhook": "https://…"} or null' },
);

const jobFields = {
  name: name(),
  description: text(2000),
  language: choice(JOB_LANGUAGES),
  interval: whole(1, MAX_INTERVAL_SECONDS).nullable().describe('seconds between runs; give this or cron'),
  cron: text(200).nullable().describe('a cron expression (5 or 6 fields); give this or interval'),
  timezone: text(64).nullable().describe('IANA zone of cron and period; null: the service zone'),
  period: z.string({ error: 'must be the name of a period, or null' }).regex(JOB_NAME_PATTERN, { error: 'must be the name of a period, or null' }).nullable(),
  runOnce: bool(),
  active: bool(),
  timeout: whole(1, MAX_TIMEOUT_SECONDS).describe('seconds'),
  missed: choice(['once', 'skip'] as const),
  onError: choice(['exit', 'continue'] as const),
  notify: notify.nullable(),
  params: params(),
  code: code().describe('the script; without it a new job gets the template'),
};

/** `POST /jobs`: `name` and `interval` or `cron` are required (the job parser says which is missing). */
export const JobCreate = z.strictObject(jobFields).partial().openapi('JobCreate', { required: ['name'] });

/** `PUT /jobs/:name`: the fields to change; `{active}` alone is an operator's (de)activation. */
export const JobUpdate = z.strictObject(jobFields).partial().openapi('JobUpdate');

export const CodeSave = z
  .strictObject({
    code: code(),
    baseVersion: z.int({ error: 'must be a whole number of at least 1' }).min(1, { error: 'must be a whole number of at least 1' }).optional().describe('the version the edit started from; 409 conflict when it is no longer the newest'),
  })
  .openapi('CodeSave');

export const RunNow = z
  .strictObject({
    code: code().optional().describe('run this unsaved draft instead of the saved code (an editor\'s)'),
    mode: z.enum(['safe', 'live'], { error: 'must be "safe" or "live"' }).optional().describe('a draft only: safe holds its side effects'),
    params: params().optional().describe("merged over the job's params for this run"),
  })
  .openapi('RunNow');

export const Rerun = z.strictObject({ latest: bool().optional().describe('run the current code instead of the version that ran') }).openapi('Rerun');

export const SchedulePreview = z
  .strictObject({
    interval: jobFields.interval.optional(),
    cron: jobFields.cron.optional(),
    timezone: jobFields.timezone.optional(),
    period: jobFields.period.optional(),
    missed: jobFields.missed.optional(),
    n: whole(1, MAX_UPCOMING).optional().describe('how many slots (default 5)'),
  })
  .openapi('SchedulePreview');

const periodRange = z.strictObject(
  {
    days: z.array(z.string(), { error: 'must list weekdays ("mon"…"sun") or dates ("2026-12-24")' }).describe('weekdays ("mon"…"sun") and ISO dates'),
    from: z.string({ error: 'must be a wall-clock time HH:MM or HH:MM:SS' }),
    to: z.string({ error: 'must be a wall-clock time HH:MM or HH:MM:SS (or 24:00)' }),
  },
  { error: 'must be an object {days, from, to}' },
);

const periodFields = {
  name: name(),
  description: z.string({ error: 'must be a string of at most 2000 characters' }).max(2000, { error: 'must be a string of at most 2000 characters' }),
  timezone: text(64).nullable(),
  ranges: z.array(periodRange, { error: `must be a list of at most ${MAX_RANGES} {days, from, to}` }).max(MAX_RANGES, { error: `must be a list of at most ${MAX_RANGES} {days, from, to}` }),
  exclude: z.array(z.string(), { error: `must be a list of at most ${MAX_EXCLUDES} period names` }).max(MAX_EXCLUDES, { error: `must be a list of at most ${MAX_EXCLUDES} period names` }).describe('periods whose time is taken out of this one'),
};

export const PeriodCreate = z.strictObject(periodFields).partial().openapi('PeriodCreate', { required: ['name', 'ranges'] });
export const PeriodUpdate = z.strictObject(periodFields).partial().openapi('PeriodUpdate');
export const PeriodPreview = z
  .strictObject({ ...periodFields, n: whole(1, MAX_OPENINGS).describe('how many openings (default 10)') })
  .omit({ name: true })
  .partial()
  .openapi('PeriodPreview');

const PASSWORD = 'must be a string of 8 to 1024 characters';
const password = () => z.string({ error: PASSWORD }).min(8, { error: PASSWORD }).max(1024, { error: PASSWORD });
const USER = 'must be 1 to 32 characters: a lower-case letter, then lower-case letters, digits, "_", "." or "-"';
const userName = () => z.string({ error: USER }).max(32, { error: USER });
const role = () => z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const Login = z
  .object({ name: text(64).optional().describe('default: admin'), password: text(1024) })
  .openapi('LoginBody');
export const PasswordChange = z.object({ current: z.string({ error: 'is not your password' }), password: password() }).openapi('PasswordChange');
export const UserCreate = z.strictObject({ name: userName(), role: role(), password: password() }).openapi('UserCreate');
export const UserUpdate = z.strictObject({ role: role(), password: password() }).partial().openapi('UserUpdate');
export const TokenCreate = z
  .strictObject({
    name: z.string({ error: 'must be a string of 1 to 100 characters' }).max(100, { error: 'must be a string of 1 to 100 characters' }),
    expiresAt: z.string({ error: 'must be an ISO 8601 time in the future' }).nullable().optional(),
    owner: userName().optional().describe('the user it acts as; default: the caller'),
  })
  .openapi('TokenCreate');
export const SecretSet = z
  .strictObject({ value: z.string({ error: 'must be a string' }).max(MAX_SECRET_CHARS, { error: `must be at most ${MAX_SECRET_CHARS} characters` }) })
  .openapi('SecretSet');

/** Query strings: every value arrives as text; the query parsers check ranges and instants. */
const instant = () => z.string().optional().describe('ISO 8601 time with a zone, like 2030-01-31T08:00:00Z');
const count = (min: number, max: number) =>
  z.string().regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` }).optional();
const listed = <T extends readonly [string, ...string[]]>(choices: T) => z.enum(choices, { error: `must be one of ${choices.join(', ')}` }).optional();

export const RunsQuery = z.object({
  job: z.string().optional(),
  outcome: listed(RUN_OUTCOMES),
  trigger: listed(RUN_TRIGGERS),
  since: instant(),
  until: instant(),
  before: count(1, Number.MAX_SAFE_INTEGER).describe('a run id: the page of runs older than it'),
  limit: count(1, 1000).describe('default 50'),
});
export const StatsQuery = z.object({
  days: listed(STATS_DAYS.map(String) as [string, ...string[]]).describe('default 7'),
  since: instant(),
  until: instant(),
});
export const AuditQuery = z.strictObject({
  user: z.string().optional(),
  action: z.string().optional(),
  target: z.string().optional(),
  since: instant(),
  until: instant(),
  before: count(1, Number.MAX_SAFE_INTEGER).describe('an entry id: the page of older entries'),
  limit: count(1, 1000).describe('default 100'),
});
export const UpcomingQuery = z.object({ n: count(1, MAX_UPCOMING).describe('default 5') });
export const OpeningsQuery = z.object({ n: count(1, MAX_OPENINGS).describe('default 10') });

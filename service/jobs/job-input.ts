/**
 * The one place job fields from outside (API bodies, bootstrap files) are validated and defaulted.
 * Code behind this edge trusts the fields it gets.
 */
import { validateDetailed } from 'node-cron';
import { JOB_LANGUAGES, type JobSettings, type Notify } from './types.js';
import { parseParams } from './params.js';

export const JOB_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_INTERVAL_SECONDS = 31_536_000;
export const MAX_TIMEOUT_SECONDS = 86_400;
export const DEFAULT_TIMEOUT_SECONDS = 30;

export interface JobFieldsInput extends JobSettings {
  name: string;
}

export type FieldsResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const SETTING_KEYS = [
  'description',
  'language',
  'interval',
  'cron',
  'timezone',
  'period',
  'runOnce',
  'active',
  'timeout',
  'missed',
  'onError',
  'notify',
  'params',
] as const satisfies ReadonlyArray<keyof JobSettings>;

const KNOWN_KEYS = new Set<string>(['name', ...SETTING_KEYS]);

export const DEFAULT_SETTINGS: JobSettings = {
  description: '',
  language: 'javascript',
  interval: null,
  cron: null,
  timezone: null,
  period: null,
  runOnce: false,
  active: true,
  timeout: DEFAULT_TIMEOUT_SECONDS,
  missed: 'once',
  onError: 'exit',
  notify: null,
  params: {},
};

/** A field from outside that fails its check; the edge turns it into 422 `invalid` naming the field. */
export class FieldError extends Error {
  override name = 'FieldError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates job fields. `create` requires `name` and exactly one of `interval`/`cron` and fills
 * every default; `update` returns only the fields given (a new `interval` clears `cron` and the
 * other way round, so a job switches schedule kind in one request). Unknown fields are refused.
 */
export function parseJobFields(input: unknown, mode: 'create'): FieldsResult<JobFieldsInput>;
export function parseJobFields(input: unknown, mode: 'update'): FieldsResult<Partial<JobFieldsInput>>;
export function parseJobFields(
  input: unknown,
  mode: 'create' | 'update',
): FieldsResult<JobFieldsInput | Partial<JobFieldsInput>> {
  try {
    const value = mode === 'create' ? parseCreate(input) : parseUpdate(input);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

function parseCreate(input: unknown): JobFieldsInput {
  const fields = parseUpdate(input);
  if (fields.name === undefined) throw new FieldError('name', 'name is required');
  const job: JobFieldsInput = { ...DEFAULT_SETTINGS, ...fields, name: fields.name };
  if (job.interval === null && job.cron === null) {
    throw new FieldError('interval', 'give either interval (seconds) or cron');
  }
  return job;
}

function parseUpdate(input: unknown): Partial<JobFieldsInput> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FieldError('body', 'expected a JSON object of job fields');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw new FieldError(key, `unknown field "${key}"`);
  }
  const out: Partial<JobFieldsInput> = {};
  if ('name' in raw) out.name = parseName(raw.name);
  if ('description' in raw) out.description = parseString(raw.description, 'description', 2000);
  if ('language' in raw) out.language = parseChoice(raw.language, 'language', JOB_LANGUAGES);
  if ('interval' in raw) out.interval = parseInterval(raw.interval);
  if ('cron' in raw) out.cron = parseCron(raw.cron);
  if (out.interval != null && out.cron != null) {
    throw new FieldError('cron', 'give either interval or cron, not both');
  }
  if (out.interval != null && !('cron' in raw)) out.cron = null;
  if (out.cron != null && !('interval' in raw)) out.interval = null;
  if ('timezone' in raw) out.timezone = parseTimeZone(raw.timezone);
  if ('period' in raw) out.period = parsePeriodName(raw.period);
  if ('runOnce' in raw) out.runOnce = parseBoolean(raw.runOnce, 'runOnce');
  if ('active' in raw) out.active = parseBoolean(raw.active, 'active');
  if ('timeout' in raw) out.timeout = parseInteger(raw.timeout, 'timeout', 1, MAX_TIMEOUT_SECONDS);
  if ('missed' in raw) out.missed = parseChoice(raw.missed, 'missed', ['once', 'skip'] as const);
  if ('onError' in raw) out.onError = parseChoice(raw.onError, 'onError', ['exit', 'continue'] as const);
  if ('notify' in raw) out.notify = parseNotify(raw.notify);
  if ('params' in raw) out.params = parseParams(raw.params).params;
  return out;
}

export function parseName(value: unknown): string {
  if (typeof value !== 'string' || !JOB_NAME_PATTERN.test(value)) {
    throw new FieldError(
      'name',
      'name must start with a letter and hold only letters, digits, "_" and "-" (at most 64 characters)',
    );
  }
  return value;
}

function parseString(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new FieldError(field, `${field} must be a string`);
  if (value.length > max) throw new FieldError(field, `${field} must be at most ${max} characters`);
  return value;
}

function parseBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new FieldError(field, `${field} must be true or false`);
  return value;
}

function parseInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FieldError(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseInterval(value: unknown): number | null {
  if (value === null) return null;
  return parseInteger(value, 'interval', 1, MAX_INTERVAL_SECONDS);
}

function parseCron(value: unknown): string | null {
  if (value === null) return null;
  const expr = parseString(value, 'cron', 200).trim();
  const check = validateDetailed(expr);
  if (!check.valid) {
    const reason = check.errors.map((e) => e.message).join('; ') || 'not a valid cron expression';
    throw new FieldError('cron', `cron "${expr}": ${reason}`);
  }
  return expr;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseTimeZone(value: unknown): string | null {
  if (value === null) return null;
  const zone = parseString(value, 'timezone', 64);
  if (!isValidTimeZone(zone)) throw new FieldError('timezone', `unknown time zone "${zone}" (use an IANA name like Europe/Berlin)`);
  return zone;
}

/** The name only; whether such a period exists is the job service's check. */
function parsePeriodName(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !JOB_NAME_PATTERN.test(value)) throw new FieldError('period', 'period must be the name of a period, or null');
  return value;
}

function parseChoice<T extends string>(value: unknown, field: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new FieldError(field, `${field} must be one of ${choices.map((c) => `"${c}"`).join(', ')}`);
  }
  return value as T;
}

export const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

function parseNotify(value: unknown): Notify | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FieldError('notify', 'notify must be an object like {"email": ["ops@example.com"], "webhook": "https://…"} or null');
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'email' && key !== 'webhook') throw new FieldError(`notify.${key}`, `unknown field "notify.${key}"`);
  }
  const email = raw.email === undefined || raw.email === null ? [] : raw.email;
  if (!Array.isArray(email) || email.some((a) => typeof a !== 'string' || !EMAIL_PATTERN.test(a))) {
    throw new FieldError('notify.email', 'notify.email must be a list of email addresses');
  }
  const webhook = raw.webhook === undefined ? null : raw.webhook;
  if (webhook !== null && (typeof webhook !== 'string' || !isHttpUrl(webhook))) {
    throw new FieldError('notify.webhook', 'notify.webhook must be an http or https URL');
  }
  return { email: email as string[], webhook: webhook as string | null };
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

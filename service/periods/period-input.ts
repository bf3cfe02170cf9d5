/**
 * The one place period fields from outside (API bodies, periods.json) are validated and
 * defaulted. Whether excluded periods exist, and whether they loop, depends on the other periods
 * and is checked by the period service when it compiles them.
 */
import { FieldError, JOB_NAME_PATTERN, type FieldsResult } from '../jobs/job-input.js';
import { WEEKDAYS } from '../scheduler/period-compile.js';
import { isKnownZone } from '../scheduler/time-zone.js';
import type { PeriodRange, PeriodSettings } from './types.js';

export const MAX_RANGES = 200;
export const MAX_DAYS_PER_RANGE = 400;
export const MAX_EXCLUDES = 50;

export interface PeriodFieldsInput extends PeriodSettings {
  name: string;
}

export type PeriodFieldsResult<T> = FieldsResult<T>;

const KNOWN_KEYS = new Set(['name', 'description', 'timezone', 'ranges', 'exclude']);
const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `create` requires `name` and `ranges` and fills defaults; `update` (a PUT) returns only the
 * fields given. `extra` names keys the caller reads itself (`n` of a preview). Unknown keys are refused.
 */
export function parsePeriodFields(input: unknown, mode: 'create', extra?: readonly string[]): PeriodFieldsResult<PeriodFieldsInput>;
export function parsePeriodFields(input: unknown, mode: 'update', extra?: readonly string[]): PeriodFieldsResult<Partial<PeriodFieldsInput>>;
export function parsePeriodFields(
  input: unknown,
  mode: 'create' | 'update',
  extra: readonly string[] = [],
): PeriodFieldsResult<PeriodFieldsInput | Partial<PeriodFieldsInput>> {
  try {
    const fields = parseFields(input, extra);
    if (mode === 'update') return { ok: true, value: fields };
    if (fields.name === undefined) throw new FieldError('name', 'name is required');
    if (fields.ranges === undefined) throw new FieldError('ranges', 'ranges is required: a list of {days, from, to}');
    return { ok: true, value: { description: '', timezone: null, exclude: [], ...fields, name: fields.name, ranges: fields.ranges } };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

function parseFields(input: unknown, extra: readonly string[]): Partial<PeriodFieldsInput> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FieldError('body', 'expected a JSON object of period fields');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key) && !extra.includes(key)) throw new FieldError(key, `unknown field "${key}"`);
  }
  const out: Partial<PeriodFieldsInput> = {};
  if ('name' in raw) {
    if (typeof raw.name !== 'string' || !JOB_NAME_PATTERN.test(raw.name)) {
      throw new FieldError('name', 'name must start with a letter and hold only letters, digits, "_" and "-" (at most 64 characters)');
    }
    out.name = raw.name;
  }
  if ('description' in raw) {
    if (typeof raw.description !== 'string' || raw.description.length > 2000) {
      throw new FieldError('description', 'description must be a string of at most 2000 characters');
    }
    out.description = raw.description;
  }
  if ('timezone' in raw) out.timezone = parseZone(raw.timezone);
  if ('ranges' in raw) out.ranges = parseRanges(raw.ranges);
  if ('exclude' in raw) out.exclude = parseExclude(raw.exclude, out.name);
  return out;
}

function parseZone(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > 64 || !isKnownZone(value)) {
    throw new FieldError('timezone', `unknown time zone ${JSON.stringify(value)} (use an IANA name like Europe/Berlin)`);
  }
  return value;
}

function parseRanges(value: unknown): PeriodRange[] {
  if (!Array.isArray(value) || value.length > MAX_RANGES) {
    throw new FieldError('ranges', `ranges must be a list of at most ${MAX_RANGES} {days, from, to}`);
  }
  return value.map((range, i) => parseRange(range, `ranges[${i}]`));
}

function parseRange(value: unknown, field: string): PeriodRange {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FieldError(field, `${field} must be an object {days, from, to}`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'days' && key !== 'from' && key !== 'to') throw new FieldError(`${field}.${key}`, `unknown field "${field}.${key}"`);
  }
  if (!Array.isArray(raw.days) || raw.days.length === 0 || raw.days.length > MAX_DAYS_PER_RANGE) {
    throw new FieldError(`${field}.days`, `${field}.days must list 1 to ${MAX_DAYS_PER_RANGE} weekdays ("mon"…"sun") or dates ("2026-12-24")`);
  }
  const days = raw.days.map((day, i) => parseDay(day, `${field}.days[${i}]`));
  const from = parseTime(raw.from, `${field}.from`, false);
  const to = parseTime(raw.to, `${field}.to`, true);
  if (from === to) throw new FieldError(`${field}.to`, `${field}.to must differ from from (use 00:00 to 24:00 for a whole day)`);
  return { days: [...new Set(days)], from, to };
}

function parseDay(value: unknown, field: string): string {
  if (typeof value === 'string' && (WEEKDAYS as readonly string[]).includes(value)) return value;
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return value as string;
    throw new FieldError(field, `${field}: ${value} is not a date that exists`);
  }
  throw new FieldError(field, `${field} must be a weekday ("mon"…"sun") or an ISO date ("2026-12-24"), not ${JSON.stringify(value)}`);
}

/** `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59; `24:00` too where `allowEnd`. Answers `HH:MM` or `HH:MM:SS` as given. */
function parseTime(value: unknown, field: string, allowEnd: boolean): string {
  const match = typeof value === 'string' ? TIME_PATTERN.exec(value) : null;
  if (match) {
    const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
    if (allowEnd && h === 24 && m === 0 && s === 0) return value as string;
    if (h < 24 && m < 60 && s < 60) return value as string;
  }
  throw new FieldError(field, `${field} must be a wall-clock time HH:MM or HH:MM:SS from 00:00 to 23:59:59${allowEnd ? ' (or 24:00)' : ''}, not ${JSON.stringify(value)}`);
}

function parseExclude(value: unknown, self: string | undefined): string[] {
  if (!Array.isArray(value) || value.length > MAX_EXCLUDES) throw new FieldError('exclude', `exclude must be a list of at most ${MAX_EXCLUDES} period names`);
  return [
    ...new Set(
      value.map((name, i) => {
        if (typeof name !== 'string' || !JOB_NAME_PATTERN.test(name)) throw new FieldError(`exclude[${i}]`, `exclude[${i}] must be a period name`);
        if (name === self) throw new FieldError('exclude', `a period may not exclude itself ("${name}")`);
        return name;
      }),
    ),
  ];
}

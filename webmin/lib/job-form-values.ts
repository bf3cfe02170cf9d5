/**
 * The job form's fields as the user types them (strings), their checks, and the conversion to and
 * from the API's job settings. The checks mirror the service's rules so most mistakes show while
 * typing; the service still has the last word and its field errors are shown the same way.
 */
import type { Job, JobLanguage, JobSettings, NewJob } from '../api-types.js';
import { paramsFromRows, rowsFromParams, type ParamRow } from './param-rows.js';

export interface JobFormValues {
  name: string;
  description: string;
  language: JobLanguage;
  scheduleKind: 'interval' | 'cron';
  interval: string;
  cron: string;
  timezone: string;
  /** A period's name, or '' for any time. */
  period: string;
  runOnce: boolean;
  active: boolean;
  timeout: string;
  missed: 'once' | 'skip';
  onError: 'exit' | 'continue';
  notifyEmail: string;
  notifyWebhook: string;
  /** The params as name/value rows (param-rows.ts). */
  params: ParamRow[];
}

export type FormField = keyof JobFormValues;
export type FieldErrors = Partial<Record<FormField, string>>;

export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_INTERVAL = 31_536_000;
const EMAIL_PATTERN = /^[^\s@,]+@[^\s@,]+$/;

export function emptyForm(): JobFormValues {
  return {
    name: '',
    description: '',
    language: 'javascript',
    scheduleKind: 'interval',
    interval: '300',
    cron: '',
    timezone: '',
    period: '',
    runOnce: false,
    active: true,
    timeout: '30',
    missed: 'once',
    onError: 'exit',
    notifyEmail: '',
    notifyWebhook: '',
    params: [],
  };
}

export function formFromJob(job: Job): JobFormValues {
  return {
    name: job.name,
    description: job.description,
    language: job.language,
    scheduleKind: job.cron !== null ? 'cron' : 'interval',
    interval: job.interval !== null ? String(job.interval) : '300',
    cron: job.cron ?? '',
    timezone: job.timezone ?? '',
    period: job.period ?? '',
    runOnce: job.runOnce,
    active: job.active,
    timeout: String(job.timeout),
    missed: job.missed,
    onError: job.onError,
    notifyEmail: job.notify?.email.join(', ') ?? '',
    notifyWebhook: job.notify?.webhook ?? '',
    params: rowsFromParams(job.params),
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

function emails(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Plain-word problems with each field; an empty object when the form can be sent. */
export function validateForm(values: JobFormValues, creating: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (creating) {
    if (!values.name) errors.name = 'Give the job a name.';
    else if (!NAME_PATTERN.test(values.name))
      errors.name = 'Start with a letter; then letters, digits, - or _ (at most 64 characters).';
  }
  if (values.scheduleKind === 'interval') {
    const seconds = wholeNumber(values.interval);
    if (seconds === null) errors.interval = 'Enter a whole number of seconds.';
    else if (seconds < 1 || seconds > MAX_INTERVAL) errors.interval = `Enter between 1 and ${MAX_INTERVAL} seconds (one year).`;
  } else {
    const fields = values.cron.trim().split(/\s+/).filter(Boolean).length;
    if (!values.cron.trim()) errors.cron = 'Enter a cron expression, such as 0 3 * * * for 03:00 every day.';
    else if (!values.cron.trim().startsWith('@') && (fields < 5 || fields > 6))
      errors.cron = `A cron expression has 5 or 6 fields; this one has ${fields}.`;
    if (values.timezone.trim() && !validTimezone(values.timezone.trim()))
      errors.timezone = 'Not a time zone this browser knows. Use a name like Europe/Berlin, or leave it empty.';
  }
  const timeout = wholeNumber(values.timeout);
  if (timeout === null || timeout < 1) errors.timeout = 'Enter a whole number of seconds, at least 1.';
  const badEmail = emails(values.notifyEmail).find((address) => !EMAIL_PATTERN.test(address));
  if (badEmail) errors.notifyEmail = `“${badEmail}” is not an email address.`;
  if (values.notifyWebhook.trim()) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(values.notifyWebhook.trim()).protocol);
    } catch {
      ok = false;
    }
    if (!ok) errors.notifyWebhook = 'Enter a full http:// or https:// address, or leave it empty.';
  }
  const params = paramsFromRows(values.params);
  if (!params.ok) errors.params = `Parameter ${params.index + 1}: ${params.message}`;
  return errors;
}

export function settingsFromForm(values: JobFormValues): JobSettings {
  const email = emails(values.notifyEmail);
  const webhook = values.notifyWebhook.trim() || null;
  const isCron = values.scheduleKind === 'cron';
  return {
    description: values.description.trim(),
    language: values.language,
    interval: isCron ? null : Number(values.interval),
    cron: isCron ? values.cron.trim() : null,
    timezone: isCron && values.timezone.trim() ? values.timezone.trim() : null,
    period: values.period || null,
    runOnce: values.runOnce,
    active: values.active,
    timeout: Number(values.timeout),
    missed: values.missed,
    onError: values.onError,
    notify: email.length || webhook ? { email, webhook } : null,
    params: (() => {
      const params = paramsFromRows(values.params);
      return params.ok ? params.params : {};
    })(),
  };
}

export function newJobFromForm(values: JobFormValues): NewJob {
  return { name: values.name.trim(), ...settingsFromForm(values) };
}

/** Which form field a service `invalid` error about `field` belongs beside. */
export function formFieldOf(field: string | undefined): FormField | null {
  if (!field) return null;
  if (field === 'params' || field.startsWith('params.')) return 'params';
  if (field.startsWith('notify')) return /webhook/i.test(field) ? 'notifyWebhook' : 'notifyEmail';
  const known: FormField[] = ['name', 'description', 'language', 'interval', 'cron', 'timezone', 'period', 'timeout', 'missed', 'onError', 'runOnce', 'active'];
  return known.find((f) => f === field) ?? null;
}

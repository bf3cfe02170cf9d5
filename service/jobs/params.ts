/**
 * Job parameters (SPEC §13): a JSON object the job reads as `job.params`. A string value may hold
 * date placeholders (param-dates.ts); an object `{"$secret": "name"}` stands for that secret's
 * value. Both are resolved when a run starts: the dates first, on the host, recorded with the run
 * (secret references kept as written, never a value); the secrets last, just before the sandbox
 * gets them (params-secrets.ts).
 */
import { FieldError, JOB_NAME_PATTERN } from './job-input.js';
import { resolveDates, unknownPlaceholder } from './param-dates.js';

export type JobParams = Record<string, unknown>;

/** Most bytes of a job's params as JSON. */
export const MAX_PARAMS_BYTES = 64 * 1024;
const MAX_DEPTH = 32;
/** What a secret reference shows as in a run's record and everywhere it is streamed. */
export const SECRET_SHOWN = '***';

/** The name of the secret `value` refers to, when it is a reference `{"$secret": "name"}`. */
export function secretRef(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '$secret') return null;
  const name = (value as { $secret: unknown }).$secret;
  return typeof name === 'string' ? name : null;
}

/**
 * Checks params from outside: an object of JSON values at most 64 KB, every placeholder known,
 * every `$secret` a reference to a well-formed name. Throws FieldError naming the field
 * (`params`, `params.url`, `params.list.0`). Resolves to the secret names referred to, by field.
 */
export function parseParams(value: unknown, field = 'params'): { params: JobParams; secrets: Array<{ field: string; name: string }> } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FieldError(field, `${field} must be a JSON object of parameter names and values`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_PARAMS_BYTES) throw new FieldError(field, `${field} is ${bytes} bytes as JSON; at most ${MAX_PARAMS_BYTES} are allowed`);
  const secrets: Array<{ field: string; name: string }> = [];
  const walk = (item: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new FieldError(path, `${path} is nested more than ${MAX_DEPTH} levels deep`);
    if (typeof item === 'string') {
      const unknown = unknownPlaceholder(item);
      if (unknown !== null) throw new FieldError(path, `${path}: unknown placeholder ${unknown} (use {{now}}, {{date}} or {{date:YYYY-MM-DD}}, with an offset such as -1d or +2h)`);
      return;
    }
    if (item === null || typeof item === 'number' || typeof item === 'boolean') return;
    if (Array.isArray(item)) return item.forEach((entry, i) => walk(entry, `${path}.${i}`, depth + 1));
    if (typeof item !== 'object') throw new FieldError(path, `${path} must be a JSON value`);
    if ('$secret' in item) {
      const name = secretRef(item);
      if (name === null || !JOB_NAME_PATTERN.test(name)) throw new FieldError(path, `${path}: a secret reference is {"$secret": "name"}, with the name of a secret`);
      secrets.push({ field: path, name });
      return;
    }
    for (const [key, entry] of Object.entries(item)) walk(entry, `${path}.${key}`, depth + 1);
  };
  for (const [key, entry] of Object.entries(value)) walk(entry, `${field}.${key}`, 1);
  return { params: value as JobParams, secrets };
}

/**
 * The params with every date placeholder resolved at `now` in `zone`; secret references stay as
 * written. Throws UnknownPlaceholderError (param-dates.ts) for one it does not know.
 */
export function resolveParamDates(params: JobParams, now: number, zone: string): JobParams {
  return mapValues(params, (text) => resolveDates(text, now, zone), (ref) => ref) as JobParams;
}

/** The params as a run shows them: secret references as `***`. */
export function shownParams(params: JobParams): JobParams {
  return mapValues(params, (text) => text, () => SECRET_SHOWN) as JobParams;
}

/** Every string and every secret reference inside `value`, replaced. */
export function mapValues(value: unknown, onString: (text: string) => unknown, onSecret: (ref: { $secret: string }, name: string) => unknown): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((item) => mapValues(item, onString, onSecret));
  if (value !== null && typeof value === 'object') {
    const name = secretRef(value);
    if (name !== null) return onSecret(value as { $secret: string }, name);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapValues(item, onString, onSecret);
    return out;
  }
  return value;
}

/** A secret a job's params refer to that is not stored: the run fails with this, naming field and secret. */
export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
  constructor(
    readonly field: string,
    readonly secret: string,
  ) {
    super(`${field} refers to secret "${secret}", which does not exist`);
  }
}

/**
 * The params with every secret reference replaced by the secret's value, as the sandbox gets them.
 * Throws MissingSecretError for a reference `lookup` answers null to.
 */
export async function resolveParamSecrets(params: JobParams, lookup: (name: string) => Promise<string | null>): Promise<JobParams> {
  const found: Array<{ field: string; name: string }> = [];
  const collect = (value: unknown, path: string): void => {
    const name = secretRef(value);
    if (name !== null) found.push({ field: path, name });
    else if (Array.isArray(value)) value.forEach((item, i) => collect(item, `${path}.${i}`));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) collect(item, `${path}.${key}`);
  };
  for (const [key, item] of Object.entries(params)) collect(item, `params.${key}`);
  if (found.length === 0) return params;
  const values = new Map<string, string>();
  for (const { field, name } of found) {
    if (values.has(name)) continue;
    const value = await lookup(name);
    if (value === null) throw new MissingSecretError(field, name);
    values.set(name, value);
  }
  return mapValues(params, (text) => text, (_ref, name) => values.get(name)) as JobParams;
}

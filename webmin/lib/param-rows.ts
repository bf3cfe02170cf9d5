/**
 * A job's params (SPEC §13) as name/value rows the user types, and back. A value is JSON when it
 * reads as JSON other than a bare word (a number, true, false, null, "quoted", [...], {...}),
 * otherwise the text as typed: `https://x/{{date}}` and `{{date-1d}}` stay strings, `3` is a number, `"3"` the
 * string. What a value resolves to now uses the service's own placeholder rules.
 */
import { resolveDates } from '../../service/jobs/param-dates.js';

export type Params = Record<string, unknown>;

export interface ParamRow {
  name: string;
  value: string;
}

// `{{` starts a placeholder, never a JSON object.
const JSONISH = /^\s*(?:\{(?!\{)|[["]|-?\d|true\s*$|false\s*$|null\s*$)/;

/** The value of a row as typed; throws SyntaxError with a plain message when JSON does not parse. */
export function parseValue(text: string): unknown {
  if (!JSONISH.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SyntaxError('This looks like JSON but does not parse; quote a plain string as "…".');
  }
}

/** The text a row shows for a value: strings as typed unless they would read as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string' && !JSONISH.test(value)) return value;
  return JSON.stringify(value);
}

export function rowsFromParams(params: Params): ParamRow[] {
  return Object.entries(params).map(([name, value]) => ({ name, value: valueText(value) }));
}

/** The params of the rows, or the first row's problem (index and words). Rows with neither name nor value are skipped. */
export function paramsFromRows(rows: readonly ParamRow[]): { ok: true; params: Params } | { ok: false; index: number; message: string } {
  const params: Params = {};
  for (const [index, row] of rows.entries()) {
    const name = row.name.trim();
    if (name === '' && row.value.trim() === '') continue;
    if (name === '') return { ok: false, index, message: 'Give this parameter a name.' };
    if (Object.hasOwn(params, name)) return { ok: false, index, message: `There is another parameter called ${name}.` };
    try {
      params[name] = parseValue(row.value);
    } catch (error) {
      return { ok: false, index, message: (error as Error).message };
    }
  }
  return { ok: true, params };
}

function secretName(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const name = (value as { $secret?: unknown }).$secret;
  return keys.length === 1 && typeof name === 'string' ? name : null;
}

/** Whether a value changes from run to run (a placeholder) or hides a secret, anywhere inside it. */
function isDynamic(value: unknown): boolean {
  if (typeof value === 'string') return /\{\{[^{}]*\}\}/.test(value);
  if (secretName(value) !== null) return true;
  if (Array.isArray(value)) return value.some(isDynamic);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isDynamic);
  return false;
}

function resolved(value: unknown, now: number, zone: string): unknown {
  if (typeof value === 'string') return resolveDates(value, now, zone);
  const secret = secretName(value);
  if (secret !== null) return `(secret ${secret})`;
  if (Array.isArray(value)) return value.map((item) => resolved(item, now, zone));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolved(item, now, zone)]));
  return value;
}

/**
 * What the row's value would be in a run starting at `now` in `zone`: empty for a fixed value, the
 * resolved text for a dynamic one (a secret as its name, never a value), or the problem in words.
 */
export function resolvesNow(text: string, now: number, zone: string): { text: string; problem: boolean } {
  let value: unknown;
  try {
    value = parseValue(text);
  } catch (error) {
    return { text: (error as Error).message, problem: true };
  }
  if (!isDynamic(value)) return { text: '', problem: false };
  try {
    const out = resolved(value, now, zone);
    return { text: typeof out === 'string' ? out : JSON.stringify(out), problem: false };
  } catch (error) {
    return { text: (error as Error).message, problem: true };
  }
}

/** A TypeScript type for a value, for the editor's `job.params` completion. */
export function typeOf(value: unknown, depth = 0): string {
  if (secretName(value) !== null || typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value === null) return 'null';
  if (depth > 4) return 'unknown';
  if (Array.isArray(value)) {
    const kinds = [...new Set(value.map((item) => typeOf(item, depth + 1)))];
    return kinds.length === 0 ? 'unknown[]' : `Array<${kinds.join(' | ')}>`;
  }
  const fields = Object.entries(value as Params).map(([key, item]) => `readonly ${JSON.stringify(key)}: ${typeOf(item, depth + 1)};`);
  return `{ ${fields.join(' ')} }`;
}

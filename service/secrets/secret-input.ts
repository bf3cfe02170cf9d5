/**
 * The one place a secret's name and value from outside are checked (the API edge); `core.secret`
 * checks names with the same pattern.
 */
import { FieldError, type FieldsResult } from '../jobs/job-input.js';
import { MIN_MASKED_LENGTH } from './masker.js';

/** Like a job name: a letter, then up to 63 letters, digits, `_` or `-`. */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_SECRET_CHARS = 65_536;

export interface SecretInput {
  name: string;
  value: string;
}

/** `body` is the PUT body: `{value}` and nothing else. */
export function parseSecretInput(name: string, body: Record<string, unknown>): FieldsResult<SecretInput> {
  try {
    return { ok: true, value: { name: secretName(name), value: secretValue(body) } };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

function secretName(name: string): string {
  if (!SECRET_NAME.test(name)) throw new FieldError('name', 'a secret name is a letter, then up to 63 letters, digits, "_" or "-"');
  return name;
}

function secretValue(body: Record<string, unknown>): string {
  for (const key of Object.keys(body)) {
    if (key !== 'value') throw new FieldError(key, `unknown field "${key}"`);
  }
  const value = body.value;
  if (typeof value !== 'string') throw new FieldError('value', 'value must be a string');
  // Shorter values would mask ordinary words wherever they appear in a log.
  if (value.length < MIN_MASKED_LENGTH) throw new FieldError('value', `value must be at least ${MIN_MASKED_LENGTH} characters, so it can be masked in run logs`);
  if (value.length > MAX_SECRET_CHARS) throw new FieldError('value', `value must be at most ${MAX_SECRET_CHARS} characters`);
  return value;
}

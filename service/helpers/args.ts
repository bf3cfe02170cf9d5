/**
 * Argument checks shared by every helper. The guest's arguments arrive as JSON values; each check
 * answers a typed value or throws 804 (absent: undefined or null) or 801 (present, wrong type).
 * `what` names the argument the way the job author wrote it, e.g. `options.tbl`.
 */
import { MissingArgumentError, WrongTypeError } from './errors.js';

export type JsonObject = Record<string, unknown>;
export type Scalar = string | number | boolean | null;

export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function wrongType(what: string, expected: string, value: unknown): WrongTypeError {
  return new WrongTypeError(what, `${what} must be ${expected}, not ${kind(value)}`);
}

/** A non-empty string. */
export function requireString(value: unknown, what: string): string {
  if (isAbsent(value) || value === '') throw new MissingArgumentError(what);
  if (typeof value !== 'string') throw wrongType(what, 'a string', value);
  return value;
}

export function optionalString(value: unknown, what: string): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') throw wrongType(what, 'a string', value);
  return value;
}

export function requireObject(value: unknown, what: string): JsonObject {
  if (isAbsent(value)) throw new MissingArgumentError(what);
  if (!isPlainObject(value)) throw wrongType(what, 'an object', value);
  return value;
}

export function optionalObject(value: unknown, what: string): JsonObject | undefined {
  if (isAbsent(value)) return undefined;
  if (!isPlainObject(value)) throw wrongType(what, 'an object', value);
  return value;
}

export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'boolean') throw wrongType(what, 'true or false', value);
  return value;
}

/** A whole number in [min, max]. */
export function requireInteger(value: unknown, what: string, min: number, max: number): number {
  if (isAbsent(value)) throw new MissingArgumentError(what);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(what, 'a whole number', value);
  if (value < min || value > max) {
    throw new WrongTypeError(what, `${what} must be between ${min} and ${max}, not ${value}`);
  }
  return value;
}

export function optionalInteger(value: unknown, what: string, min: number, max: number): number | undefined {
  return isAbsent(value) ? undefined : requireInteger(value, what, min, max);
}

/** A value SQL can bind: string, finite number, boolean or null. */
export function requireScalar(value: unknown, what: string): Scalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw wrongType(what, 'a string, number, boolean or null', value);
}

/** A string map of header names to values; numbers are accepted and written as text. */
export function optionalHeaders(value: unknown, what: string): Record<string, string> {
  const headers = optionalObject(value, what);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (typeof v === 'string') out[name] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[name] = String(v);
    else throw wrongType(`${what}.${name}`, 'a string', v);
  }
  return out;
}

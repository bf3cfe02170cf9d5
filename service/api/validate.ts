/**
 * Requests checked against the contract's schemas (contract/bodies.ts): the first fault becomes
 * 422 `invalid` naming the field, as `ranges[0].to` or `notify.email`, with the schema's message
 * after the field's name. An unknown field is named before anything else is checked.
 */
import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { readObject } from './body.js';
import { ApiError } from './errors.js';

/** The body as a JSON object, checked against `schema`. */
export async function validBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  return valid(schema, await readObject(c));
}

/** The query string, checked against `schema`; an empty value (`?job=`) is an absent one. */
export function validQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return valid(schema, Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== '')));
}

export function valid<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw fieldError(result.error.issues);
}

function fieldError(issues: readonly z.core.$ZodIssue[]): ApiError {
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown?.code === 'unrecognized_keys') {
    const field = fieldName([...unknown.path, unknown.keys[0]!]);
    return new ApiError(422, 'invalid', `unknown field "${field}"`, { field });
  }
  const issue = issues[0]!;
  const field = issue.path.length === 0 ? 'body' : fieldName(issue.path);
  return new ApiError(422, 'invalid', `${field} ${issue.message}`, { field });
}

/** `ranges[0].days` from `['ranges', 0, 'days']`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name === '' ? String(part) : `${name}.${String(part)}`), '');
}

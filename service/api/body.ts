/** Reading request bodies at the edge: size-capped, JSON only, with errors that name the problem. */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.js';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Refuses bodies over the cap before reading them (413 `too_large`). */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'too_large', `request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`, { field: 'body' });
  },
});

/** Parses the body as JSON; an empty body is `{}`. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(400, 'bad_json', `request body is not valid JSON: ${(error as Error).message}`, { field: 'body' });
  }
}

/** Parses the body as a JSON object. */
export async function readObject(c: Context): Promise<Record<string, unknown>> {
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'bad_request', 'request body must be a JSON object', { field: 'body' });
  }
  return body as Record<string, unknown>;
}

/** Who makes a request: set by `requireAuth`, recorded as `by` on runs and code versions. */
import type { Context } from 'hono';
import type { ActorName } from '../jobs/types.js';

declare module 'hono' {
  interface ContextVariableMap {
    actor: ActorName;
  }
}

/** `webmin` for a session, `token` for the API token; `webmin` if no auth ran (tests that mount a route alone). */
export function actorOf(c: Context): ActorName {
  return c.get('actor') ?? 'webmin';
}

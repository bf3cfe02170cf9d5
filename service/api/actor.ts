/** Who makes a request: set by `requireAuth`, checked by `authorize`, recorded as `by` and in the audit trail. */
import type { Context } from 'hono';
import type { ActorName } from '../jobs/types.js';
import type { Role } from '../users/types.js';

/** The user a request acts as, with the role it acts with and how it signed in. */
export interface Principal {
  user: string;
  role: Role;
  via: 'webmin' | 'token';
  /** The session or API token id, when there is one. */
  sessionId?: string;
  tokenId?: string;
}

/** The name QUICKJOBS_API_TOKEN acts under: not a possible user name (those are lower case). */
export const SERVICE_TOKEN_USER = 'QUICKJOBS_API_TOKEN';

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** The acting user's name; `admin` if no auth ran (tests that mount a route alone). */
export function actorOf(c: Context): ActorName {
  return c.get('principal')?.user ?? 'admin';
}

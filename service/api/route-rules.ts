/**
 * The one table of who may call what (SPEC §14): every route of the app, by method and path as
 * Hono registers it, with the least role that may call it and the audit action it records. A
 * route missing here is refused to everyone but an admin, and test/service/api/route-rules.test.ts
 * fails until it is added, so no route goes out without saying who may call it.
 */
import type { Role } from '../users/types.js';

/** `public`: no sign-in at all (login, health, the webmin's files). */
export type Access = Role | 'public';

export interface RouteRule {
  role: Access;
  /** The audit action a successful call records; routes that change nothing have none. */
  action?: string;
  /**
   * A stricter or looser rule for some bodies: a `PUT /jobs/:name` that only sets `active` is an
   * operator's activation, anything more an editor's edit. Given the parsed JSON body.
   */
  byBody?: (body: Record<string, unknown>) => Partial<RouteRule> | null;
}

/** Routes under `/api/v1`, keyed `METHOD /path`. */
export const API_RULES: Record<string, RouteRule> = {
  'POST /login': { role: 'public' },
  'POST /logout': { role: 'public' },

  'GET /status': { role: 'viewer' },
  'POST /reload': { role: 'operator', action: 'reload' },
  'GET /events': { role: 'viewer' },
  'GET /stats': { role: 'viewer' },
  'POST /schedule/preview': { role: 'viewer' },
  // The API's description: same sign-in as the API it describes (SPEC §11).
  'GET /openapi.json': { role: 'viewer' },

  'GET /jobs': { role: 'viewer' },
  'POST /jobs': { role: 'editor', action: 'job.create' },
  'GET /jobs/:name': { role: 'viewer' },
  'PUT /jobs/:name': { role: 'editor', action: 'job.update', byBody: activation },
  'DELETE /jobs/:name': { role: 'editor', action: 'job.delete' },
  'GET /jobs/:name/code': { role: 'viewer' },
  'PUT /jobs/:name/code': { role: 'editor', action: 'code.save' },
  'GET /jobs/:name/versions': { role: 'viewer' },
  'GET /jobs/:name/versions/:version': { role: 'viewer' },
  'POST /jobs/:name/versions/:version/restore': { role: 'editor', action: 'code.restore' },
  'GET /jobs/:name/upcoming': { role: 'viewer' },
  'GET /jobs/:name/alerts': { role: 'viewer' },
  // Running unsaved code is writing code: an editor's.
  'POST /jobs/:name/run': { role: 'operator', action: 'job.run', byBody: (body) => (body.code === undefined ? null : { role: 'editor', action: 'job.run-draft' }) },

  'GET /runs': { role: 'viewer' },
  'GET /runs/:id': { role: 'viewer' },
  'POST /runs/:id/cancel': { role: 'operator', action: 'run.cancel' },
  // Runs recorded code (its own version or the current one) with the params it ran with.
  'POST /runs/:id/rerun': { role: 'operator', action: 'run.rerun' },
  'GET /runs/:id/events': { role: 'viewer' },

  'GET /periods': { role: 'viewer' },
  'POST /periods': { role: 'editor', action: 'period.create' },
  'POST /periods/preview': { role: 'viewer' },
  'GET /periods/:name': { role: 'viewer' },
  'PUT /periods/:name': { role: 'editor', action: 'period.update' },
  'DELETE /periods/:name': { role: 'editor', action: 'period.delete' },
  'GET /periods/:name/openings': { role: 'viewer' },

  // Names and who set them only: values never come out, to anyone.
  'GET /secrets': { role: 'viewer' },
  'PUT /secrets/:name': { role: 'admin', action: 'secret.set' },
  'DELETE /secrets/:name': { role: 'admin', action: 'secret.delete' },

  'GET /me': { role: 'viewer' },
  'PUT /me/password': { role: 'viewer', action: 'user.password' },
  'GET /users': { role: 'admin' },
  'POST /users': { role: 'admin', action: 'user.create' },
  'PUT /users/:name': { role: 'admin', action: 'user.update' },
  'DELETE /users/:name': { role: 'admin', action: 'user.delete' },
  'GET /tokens': { role: 'admin' },
  'POST /tokens': { role: 'admin', action: 'token.create' },
  'DELETE /tokens/:id': { role: 'admin', action: 'token.revoke' },
  'GET /audit': { role: 'editor' },
};

/** Routes outside `/api/v1`. */
export const OTHER_RULES: Record<string, RouteRule> = {
  'GET /healthz': { role: 'public' },
  'GET /metrics': { role: 'viewer' },
  'GET /': { role: 'public' },
  'GET /index.html': { role: 'public' },
  'GET /assets/:file': { role: 'public' },
};

export const API_PREFIX = '/api/v1';

/** The rule of a route as Hono registered it (`GET`, `/api/v1/jobs/:name`); undefined when the table lacks it. */
export function ruleFor(method: string, path: string): RouteRule | undefined {
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return API_RULES[`${method} ${path.slice(API_PREFIX.length) || '/'}`];
  return OTHER_RULES[`${method} ${path}`];
}

/** Setting only `active` is an activation (an operator may); any other field is an edit. */
function activation(body: Record<string, unknown>): Partial<RouteRule> | null {
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'active' || typeof body.active !== 'boolean') return null;
  return { role: 'operator', action: body.active ? 'job.activate' : 'job.deactivate' };
}

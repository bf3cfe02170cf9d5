/**
 * The one authorization check (SPEC §14), at the edge of every signed-in route: the route's rule
 * from route-rules.ts against the caller's role, 403 `forbidden` naming the role needed. A route
 * whose rule names an audit action runs with that entry pending (users/audit-context.ts), so the
 * store writes it in the transaction of the change; a call that changed nothing in the store but
 * succeeded (a reload, a cancel) gets its entry afterwards, and a refused call gets none.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Store } from '../store/store.js';
import { auditRow, withAudit } from '../users/audit-context.js';
import { roleIncludes } from '../users/types.js';
import { ruleFor, type RouteRule } from './route-rules.js';
import { ApiError } from './errors.js';

/** Fields named in a summary never show their values; these are left out altogether. */
const UNSAID_FIELDS = new Set(['code', 'password', 'current', 'value']);

export function authorize({ store, now = Date.now }: { store: Store; now?: () => number }): MiddlewareHandler {
  return async (c, next) => {
    const route = matchedRoutes(c).find((candidate) => candidate.method !== 'ALL');
    // Only the "no such route" answer matches nothing else.
    if (route === undefined) return next();
    const body = await bodyOf(c);
    const rule = refine(ruleFor(route.method, route.path) ?? { role: 'admin' }, body);
    const principal = c.get('principal');
    if (rule.role !== 'public' && !roleIncludes(principal.role, rule.role)) {
      throw new ApiError(403, 'forbidden', `this needs the ${rule.role} role; ${principal.user} is ${principal.role}`, { role: rule.role });
    }
    if (rule.action === undefined) return next();
    const params = paramsOf(route.path, c.req.path);
    const named = typeof body.name === 'string' ? body.name : null;
    const target = params.name ?? params.id ?? named ?? (rule.action.startsWith('user.password') ? principal.user : null);
    const fields = Object.keys(body).filter((key) => !UNSAID_FIELDS.has(key));
    const entry = {
      at: now(),
      user: principal.user,
      via: principal.via,
      action: rule.action,
      target,
      summary: fields.length > 0 ? `fields: ${fields.join(', ')}` : '',
    };
    const summarize = /^(code\.|job\.run)/.test(rule.action) ? describeAnswer : undefined;
    const { audit } = await withAudit({ entry, summarize }, async () => {
      await next();
    });
    if (!audit.written && c.error === undefined && c.res.status < 400) await store.appendAudit(auditRow(audit, null));
  };
}

function refine(rule: RouteRule, body: Record<string, unknown>): RouteRule {
  const narrowed = rule.byBody?.(body);
  return narrowed ? { ...rule, ...narrowed } : rule;
}

/** The JSON body as an object, or `{}` (the route itself answers a malformed one). */
async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return {};
  try {
    const parsed: unknown = JSON.parse(await c.req.text());
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `:name` parts of a route pattern, read from the request path. */
function paramsOf(pattern: string, path: string): Record<string, string> {
  const names = pattern.split('/');
  const values = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((part, i) => {
    if (part.startsWith(':') && values[i] !== undefined) params[part.slice(1)] = decodeURIComponent(values[i]!);
  });
  return params;
}

/** What the store's answer adds to a summary: the code version saved, the run started. */
function describeAnswer(answer: unknown): string | null {
  if (typeof answer === 'number') return `run ${answer}`;
  if (Array.isArray(answer)) {
    const started = answer.find((one: { ok?: boolean; id?: number }) => one?.ok === true) as { id: number } | undefined;
    return started ? `run ${started.id}` : null;
  }
  if (typeof answer === 'object' && answer !== null && 'version' in answer && typeof answer.version === 'number') return `version ${answer.version}`;
  return null;
}

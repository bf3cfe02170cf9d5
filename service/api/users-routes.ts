/**
 * Users, the caller's own password, API tokens and the audit trail (SPEC §14). Who may call each is
 * route-rules.ts's business; these only validate and do.
 */
import { Hono } from 'hono';
import { newApiToken } from '../auth/api-token.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { UserNotFoundError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { ApiToken, AuditEntry, User } from '../users/types.js';
import { parseNewUser, parseTokenInput, parseUserPatch, password } from '../users/user-input.js';
import type { AuditQuery } from '../users/types.js';
import { instant, invalid, wholeNumber } from './console-query.js';
import { actorOf } from './actor.js';
import { AuditQuery as AuditFilters, PasswordChange, TokenCreate, UserCreate, UserUpdate } from './contract/bodies.js';
import { validBody, validQuery } from './validate.js';
import { ApiError } from './errors.js';
import { iso } from './serialize.js';

const userJson = (user: User) => ({ name: user.name, role: user.role, createdAt: iso(user.createdAt), lastLoginAt: user.lastLoginAt === null ? null : iso(user.lastLoginAt) });
const tokenJson = (token: ApiToken) => ({
  id: token.id,
  name: token.name,
  owner: token.owner,
  createdAt: iso(token.createdAt),
  lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
  expiresAt: token.expiresAt === null ? null : iso(token.expiresAt),
});
const auditJson = (entry: AuditEntry) => ({ ...entry, at: iso(entry.at) });

/** Throws the route's 422 for a failed parse, else hands back the value. */
function valid<T>(result: { ok: true; value: T } | { ok: false; field: string; message: string }): T {
  if (!result.ok) throw new ApiError(422, 'invalid', result.message, { field: result.field });
  return result.value;
}

export function usersRoutes({ store, now = Date.now }: { store: Store; now?: () => number }): Hono {
  const app = new Hono();

  app.get('/me', (c) => {
    const principal = c.get('principal');
    return c.json({ name: principal.user, role: principal.role, via: principal.via });
  });

  app.put('/me/password', async (c) => {
    const body = await validBody(c, PasswordChange);
    const name = actorOf(c);
    const current = password(body, 'current');
    const next = valid(password(body, 'password'));
    const user = await store.getUser(name);
    if (user === null) throw new ApiError(403, 'forbidden', 'only a user can change its own password; this token is not one', { role: 'viewer' });
    if (!current.ok || !(await verifyPassword(current.value, user.passwordHash))) {
      throw new ApiError(422, 'invalid', 'current is not your password', { field: 'current' });
    }
    await store.updateUser(name, { passwordHash: await hashPassword(next) });
    return c.json({ ok: true });
  });

  app.get('/users', async (c) => c.json((await store.listUsers()).map(userJson)));

  app.post('/users', async (c) => {
    const input = valid(parseNewUser(await validBody(c, UserCreate)));
    const user = { name: input.name, role: input.role, passwordHash: await hashPassword(input.password), createdAt: now(), lastLoginAt: null };
    await store.createUser(user);
    return c.json(userJson(user), 201);
  });

  app.put('/users/:name', async (c) => {
    const patch = valid(parseUserPatch(await validBody(c, UserUpdate)));
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    return c.json(userJson(await store.updateUser(c.req.param('name'), { role: patch.role, passwordHash })));
  });

  app.delete('/users/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await store.deleteUser(name))) throw new UserNotFoundError(name);
    return c.json({ deleted: name });
  });

  app.get('/tokens', async (c) => c.json((await store.listTokens()).map(tokenJson)));

  app.post('/tokens', async (c) => {
    const input = valid(parseTokenInput(await validBody(c, TokenCreate), now()));
    const owner = input.owner ?? actorOf(c);
    if ((await store.getUser(owner)) === null) {
      throw new ApiError(422, 'invalid', input.owner === undefined ? 'QUICKJOBS_API_TOKEN is no user: name an owner' : `user "${owner}" does not exist`, { field: 'owner' });
    }
    const made = newApiToken();
    const token = { id: made.id, name: input.name, owner, hash: made.hash, createdAt: now(), lastUsedAt: null, expiresAt: input.expiresAt };
    await store.createToken(token);
    // The only time the token is seen: only its hash is kept.
    return c.json({ ...tokenJson(token), token: made.token }, 201);
  });

  app.delete('/tokens/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await store.deleteToken(id))) throw new ApiError(404, 'not_found', `no token with id "${id}"`);
    return c.json({ deleted: id });
  });

  app.get('/audit', async (c) => c.json((await store.listAudit(auditQuery(validQuery(c, AuditFilters)))).map(auditJson)));

  return app;
}

const AUDIT_FILTERS = new Set(['user', 'action', 'target', 'since', 'until', 'before', 'limit']);

/** `GET /audit`'s filters; times ISO 8601, `before` an entry id for the next page. */
function auditQuery(query: Record<string, string | undefined>): AuditQuery {
  for (const key of Object.keys(query)) if (!AUDIT_FILTERS.has(key)) throw invalid(key, `unknown filter "${key}"`);
  const text = (field: string) => {
    const value = query[field];
    if (value === undefined || value === '') return undefined;
    if (value.length > 255) throw invalid(field, `${field} must be at most 255 characters`);
    return value;
  };
  const before = query.before === undefined || query.before === '' ? undefined : wholeNumber(query.before, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
  return {
    user: text('user'),
    action: text('action'),
    target: text('target'),
    since: instant(query.since, 'since'),
    until: instant(query.until, 'until'),
    before,
    limit: wholeNumber(query.limit, 'limit', 100, 1, 1000),
  };
}

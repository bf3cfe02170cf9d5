/**
 * Who may call the API (SPEC §14): a webmin session of a user (HttpOnly, SameSite=Strict cookie
 * from `POST /login`), a user's API token, or QUICKJOBS_API_TOKEN (an admin token). Logins are
 * throttled per address and per user name (auth/login-throttle.ts); a session ends when its
 * user's password changes or the user is removed (auth/session-token.ts).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parseApiToken, secretMatches } from '../auth/api-token.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { secretsEqual, verifyPassword } from '../auth/password.js';
import { claimedSessionId, newSessionToken, sessionIdOf } from '../auth/session-token.js';
import type { Store } from '../store/store.js';
import { withAudit } from '../users/audit-context.js';
import { FIRST_ADMIN, type StoredUser } from '../users/types.js';
import { SERVICE_TOKEN_USER, type Principal } from './actor.js';
import { readObject } from './body.js';
import { Login } from './contract/bodies.js';
import { valid } from './validate.js';
import { clientInfo } from './client.js';
import { ApiError } from './errors.js';

export const SESSION_COOKIE = 'quickjobs_session';
const SESSION_MS = 7 * 24 * 3600 * 1000;
/** A token's last use is written at most this often, so a busy script does not write on every call. */
const TOKEN_TOUCH_MS = 60_000;
/** Verified against when the name is unknown, so a wrong name takes as long as a wrong password. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface AuthOptions {
  store: Store;
  apiToken: string | null;
  /** QUICKJOBS_TRUST_PROXY: the client address and protocol come from the proxy's X-Forwarded-* headers. */
  trustProxy?: boolean;
  throttle?: LoginThrottle;
  now?: () => number;
}

/** The session of the request's cookie with its user, if the cookie was issued under that user's current password. */
async function sessionOf(c: Context, store: Store, now: number): Promise<{ id: string; user: StoredUser } | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  const claimed = cookie ? claimedSessionId(cookie) : null;
  if (!cookie || claimed === null) return null;
  const session = await store.getSession(claimed, now);
  if (session === null) return null;
  const user = await store.getUser(session.user);
  if (user === null || sessionIdOf(cookie, user.passwordHash) !== claimed) return null;
  return { id: claimed, user };
}

async function bearerPrincipal(token: string, options: AuthOptions, now: number): Promise<Principal | null> {
  if (options.apiToken !== null && secretsEqual(token, options.apiToken)) return { user: SERVICE_TOKEN_USER, role: 'admin', via: 'token' };
  const parsed = parseApiToken(token);
  if (parsed === null) return null;
  const stored = await options.store.getToken(parsed.id);
  if (stored === null || !secretMatches(parsed.secret, stored.hash)) return null;
  if (stored.expiresAt !== null && stored.expiresAt <= now) return null;
  const owner = await options.store.getUser(stored.owner);
  if (owner === null) return null;
  if (stored.lastUsedAt === null || now - stored.lastUsedAt >= TOKEN_TOUCH_MS) await options.store.touchToken(stored.id, now);
  return { user: owner.name, role: owner.role, via: 'token', tokenId: stored.id };
}

export function requireAuth(options: AuthOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header?.startsWith('Bearer ')) {
      const principal = await bearerPrincipal(header.slice(7).trim(), options, now());
      if (principal === null) throw new ApiError(401, 'unauthorized', 'that token is not valid (revoked, expired or unknown)');
      c.set('principal', principal);
      return next();
    }
    const session = await sessionOf(c, options.store, now());
    if (session !== null) {
      c.set('principal', { user: session.user.name, role: session.user.role, via: 'webmin', sessionId: session.id });
      return next();
    }
    throw new ApiError(401, 'unauthorized', 'log in, or send Authorization: Bearer <token>');
  };
}

export function authRoutes(options: AuthOptions): Hono {
  const now = options.now ?? Date.now;
  const throttle = options.throttle ?? new LoginThrottle();
  const trustProxy = options.trustProxy === true;
  const { store } = options;
  const app = new Hono();

  app.post('/login', async (c) => {
    const body = await readObject(c);
    if (body.password === undefined) throw new ApiError(400, 'bad_request', 'password is required', { field: 'password' });
    const { password, name = FIRST_ADMIN } = valid(Login, body);
    const client = clientInfo(c, trustProxy);
    const waitMs = throttle.waitMs(client.address, name, now());
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'too_many_attempts', `too many wrong passwords; try again in ${seconds} s`, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
    }
    const user = await store.getUser(name);
    const right = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (user === null || !right) {
      throttle.failed(client.address, name, now());
      await store.appendAudit({ at: now(), user: user?.name ?? null, via: 'webmin', action: 'login.failed', target: name, summary: `wrong name or password from ${client.address}` });
      throw new ApiError(401, 'bad_password', 'that name and password do not match');
    }
    throttle.succeeded(client.address);
    const session = newSessionToken(user.passwordHash);
    const expiresAt = now() + SESSION_MS;
    const entry = { at: now(), user: user.name, via: 'webmin' as const, action: 'login', target: user.name, summary: `from ${client.address}` };
    await withAudit({ entry }, () => store.createSession(session.id, expiresAt, user.name));
    setCookie(c, SESSION_COOKIE, session.cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: client.protocol === 'https',
      expires: new Date(expiresAt),
    });
    return c.json({ ok: true, expiresAt: new Date(expiresAt).toISOString(), user: { name: user.name, role: user.role } });
  });

  app.post('/logout', async (c) => {
    const session = await sessionOf(c, store, now());
    if (session !== null) {
      const entry = { at: now(), user: session.user.name, via: 'webmin' as const, action: 'logout', target: session.user.name, summary: '' };
      await withAudit({ entry }, () => store.deleteSession(session.id));
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  return app;
}

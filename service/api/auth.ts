/**
 * Who may call the API: a webmin session (HttpOnly, SameSite=Strict cookie from `POST /login`) or
 * `Authorization: Bearer <QUICKJOBS_API_TOKEN>`. Logins are throttled (auth/login-throttle.ts) and
 * sessions end when the password changes (auth/session-token.ts).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { PASSWORD_SETTING } from '../auth/admin-password.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { secretsEqual, verifyPassword } from '../auth/password.js';
import { newSessionToken, sessionIdOf } from '../auth/session-token.js';
import type { Store } from '../store/store.js';
import { optionalString, readObject } from './body.js';
import { clientInfo } from './client.js';
import './actor.js';
import { ApiError } from './errors.js';

export const SESSION_COOKIE = 'quickjobs_session';
const SESSION_MS = 7 * 24 * 3600 * 1000;
/** The one account there is today; throttled as an account so guesses from many addresses add up. */
const ADMIN_ACCOUNT = 'admin';

export interface AuthOptions {
  store: Store;
  apiToken: string | null;
  /** QUICKJOBS_TRUST_PROXY: the client address and protocol come from the proxy's X-Forwarded-* headers. */
  trustProxy?: boolean;
  throttle?: LoginThrottle;
  now?: () => number;
}

/** The session id of the request's cookie, if it was issued under the current password. */
async function sessionId(c: Context, store: Store): Promise<string | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  return sessionIdOf(cookie, await store.getSetting(PASSWORD_SETTING));
}

export function requireAuth(options: AuthOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header?.startsWith('Bearer ') && options.apiToken !== null && secretsEqual(header.slice(7).trim(), options.apiToken)) {
      c.set('actor', 'token');
      return next();
    }
    const id = await sessionId(c, options.store);
    if (id !== null && (await options.store.getSession(id, now())) !== null) {
      c.set('actor', 'webmin');
      return next();
    }
    throw new ApiError(401, 'unauthorized', 'log in, or send Authorization: Bearer <token>');
  };
}

export function authRoutes(options: AuthOptions): Hono {
  const now = options.now ?? Date.now;
  const throttle = options.throttle ?? new LoginThrottle();
  const trustProxy = options.trustProxy === true;
  const app = new Hono();

  app.post('/login', async (c) => {
    const body = await readObject(c);
    const password = optionalString(body, 'password', 1024);
    if (password === undefined) throw new ApiError(400, 'bad_request', 'password is required', { field: 'password' });
    const client = clientInfo(c, trustProxy);
    const waitMs = throttle.waitMs(client.address, ADMIN_ACCOUNT, now());
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new ApiError(429, 'too_many_attempts', `too many wrong passwords; try again in ${seconds} s`, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
    }
    const stored = await options.store.getSetting(PASSWORD_SETTING);
    if (stored === null || !(await verifyPassword(password, stored))) {
      throttle.failed(client.address, ADMIN_ACCOUNT, now());
      throw new ApiError(401, 'bad_password', 'that password is not right');
    }
    throttle.succeeded(client.address);
    const session = newSessionToken(stored);
    const expiresAt = now() + SESSION_MS;
    await options.store.createSession(session.id, expiresAt);
    setCookie(c, SESSION_COOKIE, session.cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: client.protocol === 'https',
      expires: new Date(expiresAt),
    });
    return c.json({ ok: true, expiresAt: new Date(expiresAt).toISOString() });
  });

  app.post('/logout', async (c) => {
    const id = await sessionId(c, options.store);
    if (id !== null) await options.store.deleteSession(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  return app;
}

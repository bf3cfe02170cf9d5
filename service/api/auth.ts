/**
 * Who may call the API: a webmin session (HttpOnly, SameSite=Strict cookie from `POST /login`) or
 * `Authorization: Bearer <QUICKJOBS_API_TOKEN>`.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { PASSWORD_SETTING } from '../auth/admin-password.js';
import { secretsEqual, verifyPassword } from '../auth/password.js';
import type { Store } from '../store/store.js';
import { optionalString, readObject } from './body.js';
import { ApiError } from './errors.js';

export const SESSION_COOKIE = 'quickjobs_session';
const SESSION_MS = 7 * 24 * 3600 * 1000;

export interface AuthOptions {
  store: Store;
  apiToken: string | null;
  now?: () => number;
}

export function requireAuth(options: AuthOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header?.startsWith('Bearer ') && options.apiToken !== null && secretsEqual(header.slice(7).trim(), options.apiToken)) {
      return next();
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (session && (await options.store.getSession(session, now())) !== null) return next();
    throw new ApiError(401, 'unauthorized', 'log in, or send Authorization: Bearer <token>');
  };
}

export function authRoutes(options: AuthOptions): Hono {
  const now = options.now ?? Date.now;
  const app = new Hono();

  app.post('/login', async (c) => {
    const body = await readObject(c);
    const password = optionalString(body, 'password', 1024);
    if (password === undefined) throw new ApiError(400, 'bad_request', 'password is required', { field: 'password' });
    const stored = await options.store.getSetting(PASSWORD_SETTING);
    if (stored === null || !(await verifyPassword(password, stored))) {
      throw new ApiError(401, 'bad_password', 'that password is not right');
    }
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now() + SESSION_MS;
    await options.store.createSession(id, expiresAt);
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      expires: new Date(expiresAt),
    });
    return c.json({ ok: true, expiresAt: new Date(expiresAt).toISOString() });
  });

  app.post('/logout', async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) await options.store.deleteSession(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  return app;
}

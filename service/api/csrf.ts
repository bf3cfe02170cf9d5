/**
 * Cross-site request forgery guard for cookie-authenticated writes. A browser attaches the session
 * cookie to requests other pages make, and SameSite=Strict does not stop a same-site page (another
 * port, a sibling subdomain). So a write without a Bearer token must be JSON (no HTML form and no
 * "simple" fetch can send `application/json` cross-origin) and must come from this origin, as the
 * browser states it in `Origin` and `Sec-Fetch-Site`. Bearer-token requests carry no ambient
 * credential and are left alone.
 */
import type { MiddlewareHandler } from 'hono';
import { clientInfo } from './client.js';
import { ApiError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfGuard(options: { trustProxy: boolean }): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.header('authorization')?.startsWith('Bearer ')) return next();
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json (or use a Bearer token)', { field: 'content-type' });
    }
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const expected = clientInfo(c, options.trustProxy).origin;
    if (site !== undefined && site !== 'same-origin') {
      throw new ApiError(403, 'cross_origin', `a ${site} request may not change anything with the session cookie`, { field: 'sec-fetch-site' });
    }
    if (origin !== undefined && origin !== expected) {
      throw new ApiError(403, 'cross_origin', `requests from ${origin} may not change anything here (expected ${expected})`, { field: 'origin' });
    }
    if (site === undefined && origin === undefined) {
      throw new ApiError(403, 'cross_origin', 'send an Origin header naming this service (or use a Bearer token)', { field: 'origin' });
    }
    return next();
  };
}

/**
 * Session cookies bound to the password they were opened with: the cookie is `<id>.<tag>`, where the
 * tag is an HMAC of the id keyed with the user's stored password hash. Changing a password (through
 * the API, `quickjobs user passwd`, or a new QUICKJOBS_ADMIN_PASSWORD for `admin`) writes a new salted
 * hash, so every cookie of that user issued before stops verifying on the next request, on every node
 * sharing the store, even before its session rows are deleted.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { secretsEqual } from './password.js';

export function newSessionToken(passwordHash: string): { id: string; cookie: string } {
  const id = randomBytes(32).toString('base64url');
  return { id, cookie: `${id}.${tag(id, passwordHash)}` };
}

/** The id a cookie claims, before it is checked against its user's password. */
export function claimedSessionId(cookie: string): string | null {
  const dot = cookie.indexOf('.');
  return dot <= 0 ? null : cookie.slice(0, dot);
}

/** The session id the cookie carries, or null when it was not issued under this password. */
export function sessionIdOf(cookie: string, passwordHash: string | null): string | null {
  const dot = cookie.indexOf('.');
  if (dot <= 0 || passwordHash === null) return null;
  const id = cookie.slice(0, dot);
  return secretsEqual(cookie.slice(dot + 1), tag(id, passwordHash)) ? id : null;
}

function tag(id: string, passwordHash: string): string {
  return createHmac('sha256', passwordHash).update(id).digest('base64url');
}

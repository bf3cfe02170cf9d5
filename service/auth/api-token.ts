/**
 * Per-user API tokens (SPEC §14): `qjt_<id>_<secret>`. The id names the token (to list and revoke
 * it); only a SHA-256 of the secret is stored. The secret is 256 random bits, so a fast hash is
 * enough: there is nothing to guess as there is with a password.
 */
import { createHash, randomBytes } from 'node:crypto';
import { secretsEqual } from './password.js';

const PREFIX = 'qjt_';
const TOKEN_PATTERN = /^qjt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newApiToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${PREFIX}${id}_${secret}`, hash: hashSecret(secret) };
}

/** The id and secret of a token of this shape, or null. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function secretMatches(secret: string, hash: string): boolean {
  return secretsEqual(hashSecret(secret), hash);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

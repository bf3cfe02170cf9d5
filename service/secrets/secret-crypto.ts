/**
 * AES-256-GCM for secret values (node:crypto). Each value gets a fresh 96-bit IV; the secret's
 * name is bound in as associated data, so a ciphertext copied onto another name does not open.
 * Stored as `v1:<base64 of iv | tag | ciphertext>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { SecretKeyError } from './errors.js';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

export function encryptSecret(key: Buffer, name: string, value: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Throws SecretKeyError when the key does not open it (a wrong key, or a tampered value). */
export function decryptSecret(key: Buffer, name: string, stored: string): string {
  if (!stored.startsWith(PREFIX)) throw new SecretKeyError(`secret "${name}" is not in a format this release knows`);
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError(`secret "${name}" is cut short`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`the secret key does not open secret "${name}" (a wrong key, or the value was altered)`);
  }
}

/**
 * Where the secret key comes from: QUICKJOBS_SECRET_KEY (64 hex digits or base64 of 32 bytes),
 * else the key file `secret.key` in the data folder, created with mode 0600 on first start. A key
 * that is malformed, or a key file that is missing while the store holds secrets, stops the start:
 * a new key would make every stored secret unreadable, and silently is the worst way to lose them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SecretKeyError } from './errors.js';
import { KEY_BYTES } from './secret-crypto.js';

export const KEY_FILE = 'secret.key';

export interface SecretKeySource {
  /** QUICKJOBS_SECRET_KEY, or null. */
  envKey: string | null;
  dataDir: string;
}

export interface LoadedKey {
  key: Buffer;
  /** `env` or the key file's path. */
  from: string;
  created: boolean;
}

/** Reads a key written as 64 hex digits or as base64 of 32 bytes. */
export function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (decoded.length === KEY_BYTES) return decoded;
  throw new SecretKeyError(`${where} is not a secret key: give 64 hex digits or the base64 of 32 bytes (openssl rand -hex 32)`);
}

export function newKeyText(): string {
  return randomBytes(KEY_BYTES).toString('hex');
}

/**
 * Loads the key; `storeHasSecrets` decides whether a missing key file may be created. Throws
 * SecretKeyError with a one-line reason.
 */
export function loadSecretKey(source: SecretKeySource, storeHasSecrets: boolean): LoadedKey {
  if (source.envKey !== null) return { key: parseKey(source.envKey, 'QUICKJOBS_SECRET_KEY'), from: 'QUICKJOBS_SECRET_KEY', created: false };
  const file = join(source.dataDir, KEY_FILE);
  if (existsSync(file)) return { key: parseKey(readFileSync(file, 'utf8'), file), from: file, created: false };
  if (storeHasSecrets) {
    throw new SecretKeyError(
      `the store holds secrets but there is no key: set QUICKJOBS_SECRET_KEY or restore ${file} (a new key would make them unreadable)`,
    );
  }
  mkdirSync(source.dataDir, { recursive: true });
  const text = newKeyText();
  // `wx`: never overwrite a key another process wrote meanwhile.
  writeFileSync(file, text + '\n', { mode: 0o600, flag: 'wx' });
  return { key: Buffer.from(text, 'hex'), from: file, created: true };
}

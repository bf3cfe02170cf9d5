/**
 * Where the webmin password comes from: QUICKJOBS_ADMIN_PASSWORD when set (kept in step with the
 * store), else the stored hash, else one generated on first start and shown once.
 */
import type { Store } from '../store/store.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';

export const PASSWORD_SETTING = 'admin_password_hash';

/** Resolves to the generated password when one was made (to print once), else null. */
export async function ensureAdminPassword(store: Store, fromEnv: string | null): Promise<string | null> {
  const stored = await store.getSetting(PASSWORD_SETTING);
  if (fromEnv !== null) {
    if (stored === null || !(await verifyPassword(fromEnv, stored))) {
      await store.setSetting(PASSWORD_SETTING, await hashPassword(fromEnv));
    }
    return null;
  }
  if (stored !== null) return null;
  const generated = generatePassword();
  await store.setSetting(PASSWORD_SETTING, await hashPassword(generated));
  return generated;
}

export async function setAdminPassword(store: Store, password: string): Promise<void> {
  await store.setSetting(PASSWORD_SETTING, await hashPassword(password));
}

/**
 * User `admin`'s password (SPEC §14): QUICKJOBS_ADMIN_PASSWORD when set (kept in step with the
 * store), else whatever is stored, else one generated on the very first start and shown once. An
 * older store's single password became `admin`'s by migration, so an upgrade locks nobody out.
 */
import type { Store } from '../store/store.js';
import { FIRST_ADMIN } from '../users/types.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';

/** Resolves to the generated password when one was made (to print once), else null. */
export async function ensureAdminPassword(store: Store, fromEnv: string | null, now = Date.now()): Promise<string | null> {
  const admin = await store.getUser(FIRST_ADMIN);
  if (fromEnv !== null) {
    if (admin === null) await store.createUser({ name: FIRST_ADMIN, role: 'admin', passwordHash: await hashPassword(fromEnv), createdAt: now, lastLoginAt: null });
    else if (!(await verifyPassword(fromEnv, admin.passwordHash))) await store.updateUser(FIRST_ADMIN, { passwordHash: await hashPassword(fromEnv) });
    return null;
  }
  // Users exist (admin may have been renamed away on purpose): nothing to make.
  if (admin !== null || (await store.listUsers()).length > 0) return null;
  const generated = generatePassword();
  await store.createUser({ name: FIRST_ADMIN, role: 'admin', passwordHash: await hashPassword(generated), createdAt: now, lastLoginAt: null });
  return generated;
}

/** Sets `admin`'s password (`quickjobs passwd`), ending its sessions; makes `admin` if there is none. */
export async function setAdminPassword(store: Store, password: string, now = Date.now()): Promise<void> {
  const passwordHash = await hashPassword(password);
  if ((await store.getUser(FIRST_ADMIN)) === null) await store.createUser({ name: FIRST_ADMIN, role: 'admin', passwordHash, createdAt: now, lastLoginAt: null });
  else await store.updateUser(FIRST_ADMIN, { passwordHash });
}

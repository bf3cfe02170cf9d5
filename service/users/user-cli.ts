/**
 * `quickjobs user add|set-role|passwd|remove NAME` (SPEC §14): straight against the store, so it
 * works while the service runs (every node reads users, sessions and roles from the store on each
 * request). Each change is audited `via: "cli"` in its own transaction.
 */
import { userInfo } from 'node:os';
import { hashPassword } from '../auth/password.js';
import { LastAdminError, UserExistsError, UserNotFoundError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { withAudit } from './audit-context.js';
import { isRole, ROLES, type Role } from './types.js';
import { password as parsePassword, userName } from './user-input.js';

export const USER_USAGE = `usage: quickjobs user add NAME [ROLE]     (ROLE: ${ROLES.join(', ')}; default viewer; password from standard input)
       quickjobs user set-role NAME ROLE
       quickjobs user passwd NAME          (password from standard input; ends NAME's sessions)
       quickjobs user remove NAME          (ends NAME's sessions, deletes its tokens)
       quickjobs user list`;

export interface UserCliIo {
  readPassword: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Resolves to the exit code: 0 done, 1 refused, 2 misused. */
export async function userCommand(store: Store, args: string[], io: UserCliIo): Promise<number> {
  const [verb, name, extra] = args;
  if (verb === 'list') {
    for (const user of await store.listUsers()) io.out(`${user.name}\t${user.role}`);
    return 0;
  }
  if (!verb || !name || !['add', 'set-role', 'passwd', 'remove'].includes(verb)) {
    io.err(USER_USAGE);
    return 2;
  }
  const parsedName = userName(name);
  if (!parsedName.ok) {
    io.err(`quickjobs: ${parsedName.message}`);
    return 2;
  }
  const audited = (action: string, summary: string, work: () => Promise<unknown>) =>
    withAudit({ entry: { at: Date.now(), user: null, via: 'cli', action, target: name, summary: `${summary} (by ${osUser()})` } }, work);
  try {
    switch (verb) {
      case 'add': {
        const role = extra ?? 'viewer';
        if (!isRole(role)) return misused(io, `role must be one of ${ROLES.join(', ')}`);
        const hash = await newPasswordHash(io);
        if (hash === null) return 1;
        await audited('user.create', `role ${role}`, () => store.createUser({ name, role, passwordHash: hash, createdAt: Date.now(), lastLoginAt: null }));
        io.out(`quickjobs: added ${name} (${role})`);
        return 0;
      }
      case 'set-role': {
        if (!isRole(extra)) return misused(io, `set-role needs a role: ${ROLES.join(', ')}`);
        await audited('user.update', `role ${extra}`, () => store.updateUser(name, { role: extra as Role }));
        io.out(`quickjobs: ${name} is now ${extra}`);
        return 0;
      }
      case 'passwd': {
        if ((await store.getUser(name)) === null) throw new UserNotFoundError(name);
        const hash = await newPasswordHash(io);
        if (hash === null) return 1;
        await audited('user.update', 'password', () => store.updateUser(name, { passwordHash: hash }));
        io.out(`quickjobs: changed ${name}'s password; its open sessions have ended`);
        return 0;
      }
      default: {
        const { answer } = await audited('user.delete', 'removed', () => store.deleteUser(name));
        if (!answer) throw new UserNotFoundError(name);
        io.out(`quickjobs: removed ${name}; its sessions have ended and its tokens are revoked`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UserNotFoundError || error instanceof UserExistsError || error instanceof LastAdminError) {
      io.err(`quickjobs: ${error.message}; nothing changed`);
      return 1;
    }
    throw error;
  }
}

async function newPasswordHash(io: UserCliIo): Promise<string | null> {
  const parsed = parsePassword({ password: await io.readPassword() }, 'password');
  if (!parsed.ok) {
    io.err('quickjobs: the password must be at least 8 characters; nothing changed');
    return null;
  }
  return hashPassword(parsed.value);
}

function misused(io: UserCliIo, message: string): number {
  io.err(`quickjobs: ${message}`);
  return 2;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** A test service with one user and one API token per role, for the role and audit tests. */
import { createTestService, type TestService } from '../../helpers/app.js';
import { ROLES, type Role } from '../../../service/users/types.js';

export const PASSWORDS: Record<Role, string> = { viewer: 'viewer-pass-1', operator: 'operator-pass-1', editor: 'editor-pass-1', admin: 'admin2-pass-1' };
/** The user of each role (admin's is a second admin, so `admin` itself stays the env's). */
export const USERS: Record<Role, string> = { viewer: 'vera', operator: 'otto', editor: 'eddie', admin: 'ada' };

export interface RoleService extends TestService {
  tokens: Record<Role, string>;
  /** A request as the user of `role`, with its API token. */
  as(role: Role, path: string, init?: { method?: string; body?: unknown }): ReturnType<TestService['api']>;
}

export async function createRoleService(env: Record<string, string> = {}): Promise<RoleService> {
  const t = await createTestService(env);
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const made = await t.api('/users', { method: 'POST', body: { name: USERS[role], role, password: PASSWORDS[role] } });
    if (made.status !== 201) throw new Error(`could not make ${role}: ${JSON.stringify(made.body)}`);
    const token = await t.api('/tokens', { method: 'POST', body: { name: `${role} token`, owner: USERS[role] } });
    if (token.status !== 201) throw new Error(`could not make ${role}'s token: ${JSON.stringify(token.body)}`);
    tokens[role] = token.body.token;
  }
  return {
    ...t,
    tokens,
    as(role, path, init = {}) {
      return t.api(path, { ...init, auth: false, headers: { authorization: `Bearer ${tokens[role]}` } });
    },
  };
}

/** Users' and tokens' fields at the edge (SPEC §14): parsed once into typed values, or the field at fault. */
import { isRole, ROLES, type Role, USER_NAME_PATTERN } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;
const MAX_TOKEN_NAME = 100;

const fail = (field: string, message: string): { ok: false; field: string; message: string } => ({ ok: false, field, message });

function unknownField(body: Record<string, unknown>, allowed: readonly string[]): Parsed<never> | null {
  const extra = Object.keys(body).find((key) => !allowed.includes(key));
  return extra === undefined ? null : fail(extra, `unknown field "${extra}"`);
}

export function userName(value: unknown, field = 'name'): Parsed<string> {
  if (typeof value !== 'string' || !USER_NAME_PATTERN.test(value)) {
    return fail(field, `${field} must be 1 to 32 characters: a lower-case letter, then lower-case letters, digits, "_", "." or "-"`);
  }
  return { ok: true, value };
}

export function password(body: Record<string, unknown>, field: string): Parsed<string> {
  const value = body[field];
  if (typeof value !== 'string' || value.length < MIN_PASSWORD || value.length > MAX_PASSWORD) {
    return fail(field, `${field} must be a string of ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
  }
  return { ok: true, value };
}

function role(value: unknown): Parsed<Role> {
  return isRole(value) ? { ok: true, value } : fail('role', `role must be one of ${ROLES.join(', ')}`);
}

export function parseNewUser(body: Record<string, unknown>): Parsed<{ name: string; role: Role; password: string }> {
  const extra = unknownField(body, ['name', 'role', 'password']);
  if (extra) return extra;
  const name = userName(body.name);
  if (!name.ok) return name;
  const parsedRole = role(body.role);
  if (!parsedRole.ok) return parsedRole;
  const pass = password(body, 'password');
  if (!pass.ok) return pass;
  return { ok: true, value: { name: name.value, role: parsedRole.value, password: pass.value } };
}

export function parseUserPatch(body: Record<string, unknown>): Parsed<{ role?: Role; password?: string }> {
  const extra = unknownField(body, ['role', 'password']);
  if (extra) return extra;
  const value: { role?: Role; password?: string } = {};
  if (body.role !== undefined) {
    const parsed = role(body.role);
    if (!parsed.ok) return parsed;
    value.role = parsed.value;
  }
  if (body.password !== undefined) {
    const parsed = password(body, 'password');
    if (!parsed.ok) return parsed;
    value.password = parsed.value;
  }
  if (value.role === undefined && value.password === undefined) return fail('role', 'give role, password or both');
  return { ok: true, value };
}

/** `{name, expiresAt?, owner?}`; `expiresAt` an ISO time in the future. */
export function parseTokenInput(body: Record<string, unknown>, now: number): Parsed<{ name: string; expiresAt: number | null; owner?: string }> {
  const extra = unknownField(body, ['name', 'expiresAt', 'owner']);
  if (extra) return extra;
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_TOKEN_NAME) return fail('name', `name must be a string of 1 to ${MAX_TOKEN_NAME} characters`);
  let expiresAt: number | null = null;
  if (body.expiresAt !== undefined && body.expiresAt !== null) {
    const ms = typeof body.expiresAt === 'string' ? Date.parse(body.expiresAt) : Number.NaN;
    if (!Number.isFinite(ms) || ms <= now) return fail('expiresAt', 'expiresAt must be an ISO 8601 time in the future');
    expiresAt = ms;
  }
  if (body.owner === undefined) return { ok: true, value: { name, expiresAt } };
  const owner = userName(body.owner, 'owner');
  if (!owner.ok) return owner;
  return { ok: true, value: { name, expiresAt, owner: owner.value } };
}

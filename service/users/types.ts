/**
 * Users, roles, API tokens and the audit trail (SPEC §14): the shapes the store keeps and the API
 * answers with.
 */

/** Each role includes the one before it. */
export const ROLES = ['viewer', 'operator', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` includes `needed`. */
export function roleIncludes(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The user the first start makes, and whom `POST /login` means without a name. */
export const FIRST_ADMIN = 'admin';

export const USER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

export interface User {
  name: string;
  role: Role;
  createdAt: number;
  lastLoginAt: number | null;
}

/** A user as stored: with the scrypt hash of the password (auth/password.ts). */
export interface StoredUser extends User {
  passwordHash: string;
}

export interface UserPatch {
  role?: Role;
  passwordHash?: string;
}

/** A per-user API token; only a hash of its secret is kept. */
export interface ApiToken {
  id: string;
  name: string;
  owner: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export interface StoredToken extends ApiToken {
  /** SHA-256 of the secret part, hex. */
  hash: string;
}

/** How a change reached the service. */
export const VIAS = ['webmin', 'token', 'cli', 'folder'] as const;
export type Via = (typeof VIAS)[number];

export interface AuditEntry {
  id: number;
  at: number;
  /** The user who acted; null for the service itself (the jobs folder) or an unknown name at a failed login. */
  user: string | null;
  via: Via;
  action: string;
  target: string | null;
  summary: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery {
  user?: string;
  action?: string;
  target?: string;
  /** At or after (epoch ms). */
  since?: number;
  /** Before (epoch ms). */
  until?: number;
  /** Only entries with a smaller id. */
  before?: number;
  /** 1..1000 */
  limit: number;
}

/** Rows of the users, API token and audit tables, the same in SQLite and MySQL. */
import type { AuditEntry, AuditQuery, Role, StoredToken, StoredUser, Via } from '../users/types.js';

export interface UserRow {
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
}

export const USER_COLUMNS = 'name, role, password_hash, created_at, last_login_at';

export function userFromRow(row: UserRow): StoredUser {
  return {
    name: row.name,
    role: row.role as Role,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}

export interface TokenRow {
  id: string;
  name: string;
  owner: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

export const TOKEN_COLUMNS = 'id, name, owner, hash, created_at, last_used_at, expires_at';

const orNull = (value: number | null) => (value === null ? null : Number(value));

export function tokenFromRow(row: TokenRow): StoredToken {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    hash: row.hash,
    createdAt: Number(row.created_at),
    lastUsedAt: orNull(row.last_used_at),
    expiresAt: orNull(row.expires_at),
  };
}

export interface AuditRow {
  id: number;
  at: number;
  user: string | null;
  via: string;
  action: string;
  target: string | null;
  summary: string;
}

export const AUDIT_COLUMNS = 'id, at, user, via, action, target, summary';

export function auditFromRow(row: AuditRow): AuditEntry {
  return { id: Number(row.id), at: Number(row.at), user: row.user, via: row.via as Via, action: row.action, target: row.target, summary: row.summary };
}

/** The WHERE clause and parameters of an audit query; every filter is served by an index. */
export function auditWhere(query: AuditQuery): { where: string; params: Array<string | number> } {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(clause);
    params.push(value);
  };
  add('user = ?', query.user);
  add('action = ?', query.action);
  add('target = ?', query.target);
  add('at >= ?', query.since);
  add('at < ?', query.until);
  add('id < ?', query.before);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

/** Users and their API tokens in SQLite (SPEC §14). */
import type { Database } from 'better-sqlite3';

import type { ApiToken, StoredToken, StoredUser, User, UserPatch } from '../../users/types.js';
import { LastAdminError, UserExistsError, UserNotFoundError } from '../errors.js';
import { TOKEN_COLUMNS, tokenFromRow, type TokenRow, USER_COLUMNS, userFromRow, type UserRow } from '../user-rows.js';

const publicUser = ({ passwordHash: _hash, ...user }: StoredUser): User => user;
const publicToken = ({ hash: _hash, ...token }: StoredToken): ApiToken => token;

export class UserTable {
  constructor(private readonly db: Database) {}

  list(): User[] {
    return this.db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`).all().map((row) => publicUser(userFromRow(row)));
  }

  get(name: string): StoredUser | null {
    const row = this.db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`).get(name);
    return row ? userFromRow(row) : null;
  }

  create(user: StoredUser): void {
    this.db.transaction(() => {
      if (this.get(user.name)) throw new UserExistsError(user.name);
      this.db
        .prepare('INSERT INTO users (name, role, password_hash, created_at, last_login_at) VALUES (?, ?, ?, ?, ?)')
        .run(user.name, user.role, user.passwordHash, user.createdAt, user.lastLoginAt);
    }).immediate();
  }

  update(name: string, patch: UserPatch): User {
    return this.db.transaction(() => {
      const before = this.get(name);
      if (!before) throw new UserNotFoundError(name);
      if (patch.role !== undefined && patch.role !== 'admin' && before.role === 'admin') this.assertOtherAdmin(name);
      if (patch.role !== undefined) this.db.prepare('UPDATE users SET role = ? WHERE name = ?').run(patch.role, name);
      if (patch.passwordHash !== undefined) {
        this.db.prepare('UPDATE users SET password_hash = ? WHERE name = ?').run(patch.passwordHash, name);
        this.db.prepare('DELETE FROM sessions WHERE user_name = ?').run(name);
      }
      return publicUser(this.get(name)!);
    }).immediate();
  }

  delete(name: string): boolean {
    return this.db.transaction(() => {
      const before = this.get(name);
      if (!before) return false;
      if (before.role === 'admin') this.assertOtherAdmin(name);
      this.db.prepare('DELETE FROM sessions WHERE user_name = ?').run(name);
      this.db.prepare('DELETE FROM api_tokens WHERE owner = ?').run(name);
      this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
      return true;
    }).immediate();
  }

  private assertOtherAdmin(name: string): void {
    const others = this.db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND name <> ?").get(name)!;
    if (others.n === 0) throw new LastAdminError(name);
  }

  createToken(token: StoredToken): void {
    this.db
      .prepare(`INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(token.id, token.name, token.owner, token.hash, token.createdAt, token.lastUsedAt, token.expiresAt);
  }

  listTokens(owner?: string): ApiToken[] {
    const rows =
      owner === undefined
        ? this.db.prepare<[], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`).all()
        : this.db.prepare<[string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE owner = ? ORDER BY created_at, id`).all(owner);
    return rows.map((row) => publicToken(tokenFromRow(row)));
  }

  getToken(id: string): StoredToken | null {
    const row = this.db.prepare<[string], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`).get(id);
    return row ? tokenFromRow(row) : null;
  }

  touchToken(id: string, at: number): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  deleteToken(id: string): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0;
  }
}

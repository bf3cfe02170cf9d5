/** Users and their API tokens in MySQL (SPEC §14). Rows as in SQLite; only the SQL differs. */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { ApiToken, StoredToken, StoredUser, User, UserPatch } from '../../users/types.js';
import { LastAdminError, UserExistsError, UserNotFoundError } from '../errors.js';
import { TOKEN_COLUMNS, tokenFromRow, type TokenRow, USER_COLUMNS, userFromRow, type UserRow } from '../user-rows.js';
import { type Executor, execute, selectRows, serverErrorCode, transaction } from './sql.js';

const publicUser = ({ passwordHash: _hash, ...user }: StoredUser): User => user;
const publicToken = ({ hash: _hash, ...token }: StoredToken): ApiToken => token;

export class UserTable {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<User[]> {
    const rows = await selectRows<UserRow>(this.pool, `SELECT ${USER_COLUMNS} FROM quickjobs_users ORDER BY name`);
    return rows.map((row) => publicUser(userFromRow(row)));
  }

  async get(name: string, db: Executor = this.pool, lock = false): Promise<StoredUser | null> {
    const [row] = await selectRows<UserRow>(db, `SELECT ${USER_COLUMNS} FROM quickjobs_users WHERE name = ?${lock ? ' FOR UPDATE' : ''}`, [name]);
    return row ? userFromRow(row) : null;
  }

  async create(user: StoredUser): Promise<void> {
    await transaction(this.pool, async (connection) => {
      try {
        await execute(connection, 'INSERT INTO quickjobs_users (name, role, password_hash, created_at, last_login_at) VALUES (?, ?, ?, ?, ?)', [
          user.name,
          user.role,
          user.passwordHash,
          user.createdAt,
          user.lastLoginAt,
        ]);
      } catch (error) {
        if (serverErrorCode(error) === 'ER_DUP_ENTRY') throw new UserExistsError(user.name);
        throw error;
      }
    });
  }

  async update(name: string, patch: UserPatch): Promise<User> {
    return transaction(this.pool, async (connection) => {
      const before = await this.get(name, connection, true);
      if (!before) throw new UserNotFoundError(name);
      if (patch.role !== undefined && patch.role !== 'admin' && before.role === 'admin') await this.assertOtherAdmin(connection, name);
      if (patch.role !== undefined) await execute(connection, 'UPDATE quickjobs_users SET role = ? WHERE name = ?', [patch.role, name]);
      if (patch.passwordHash !== undefined) {
        await execute(connection, 'UPDATE quickjobs_users SET password_hash = ? WHERE name = ?', [patch.passwordHash, name]);
        await execute(connection, 'DELETE FROM quickjobs_sessions WHERE user_name = ?', [name]);
      }
      return publicUser((await this.get(name, connection))!);
    });
  }

  async delete(name: string): Promise<boolean> {
    return transaction(this.pool, async (connection) => {
      const before = await this.get(name, connection, true);
      if (!before) return false;
      if (before.role === 'admin') await this.assertOtherAdmin(connection, name);
      await execute(connection, 'DELETE FROM quickjobs_sessions WHERE user_name = ?', [name]);
      await execute(connection, 'DELETE FROM quickjobs_api_tokens WHERE owner = ?', [name]);
      await execute(connection, 'DELETE FROM quickjobs_users WHERE name = ?', [name]);
      return true;
    });
  }

  /** Locks the admins' rows, so two nodes demoting the last two admins at once take turns. */
  private async assertOtherAdmin(connection: PoolConnection, name: string): Promise<void> {
    const others = await selectRows(connection, "SELECT name FROM quickjobs_users WHERE role = 'admin' AND name <> ? FOR UPDATE", [name]);
    if (others.length === 0) throw new LastAdminError(name);
  }

  async createToken(token: StoredToken): Promise<void> {
    await transaction(this.pool, async (connection) => {
      await execute(connection, `INSERT INTO quickjobs_api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        token.id,
        token.name,
        token.owner,
        token.hash,
        token.createdAt,
        token.lastUsedAt,
        token.expiresAt,
      ]);
    });
  }

  async listTokens(owner?: string): Promise<ApiToken[]> {
    const rows =
      owner === undefined
        ? await selectRows<TokenRow>(this.pool, `SELECT ${TOKEN_COLUMNS} FROM quickjobs_api_tokens ORDER BY created_at, id`)
        : await selectRows<TokenRow>(this.pool, `SELECT ${TOKEN_COLUMNS} FROM quickjobs_api_tokens WHERE owner = ? ORDER BY created_at, id`, [owner]);
    return rows.map((row) => publicToken(tokenFromRow(row)));
  }

  async getToken(id: string): Promise<StoredToken | null> {
    const [row] = await selectRows<TokenRow>(this.pool, `SELECT ${TOKEN_COLUMNS} FROM quickjobs_api_tokens WHERE id = ?`, [id]);
    return row ? tokenFromRow(row) : null;
  }

  async touchToken(id: string, at: number): Promise<void> {
    await execute(this.pool, 'UPDATE quickjobs_api_tokens SET last_used_at = ? WHERE id = ?', [at, id]);
  }

  async deleteToken(id: string): Promise<boolean> {
    return transaction(this.pool, async (connection) => (await execute(connection, 'DELETE FROM quickjobs_api_tokens WHERE id = ?', [id])).affectedRows > 0);
  }
}

/** Settings (name/value) and webmin sessions, each of one user, in MySQL. */
import type { Pool } from 'mysql2/promise';

import { execute, selectRows, transaction } from './sql.js';

export class SettingsTable {
  constructor(private readonly pool: Pool) {}

  async getSetting(key: string): Promise<string | null> {
    const [row] = await selectRows<{ value: string }>(this.pool, 'SELECT value FROM quickjobs_settings WHERE name = ?', [key]);
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await execute(
      this.pool,
      'INSERT INTO quickjobs_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)',
      [key, value],
    );
  }

  /** Also drops sessions that expired by `now`, so the table does not grow with every login. */
  async createSession(id: string, expiresAt: number, now: number, user: string): Promise<void> {
    await transaction(this.pool, async (connection) => {
      await execute(connection, 'DELETE FROM quickjobs_sessions WHERE expires_at <= ?', [now]);
      await execute(
        connection,
        'INSERT INTO quickjobs_sessions (id, expires_at, user_name) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)',
        [id, expiresAt, user],
      );
      await execute(connection, 'UPDATE quickjobs_users SET last_login_at = ? WHERE name = ?', [now, user]);
    });
  }

  async getSession(id: string, now: number): Promise<{ expiresAt: number; user: string } | null> {
    const [row] = await selectRows<{ expires_at: number; user_name: string }>(
      this.pool,
      'SELECT expires_at, user_name FROM quickjobs_sessions WHERE id = ? AND expires_at > ?',
      [id, now],
    );
    return row ? { expiresAt: Number(row.expires_at), user: row.user_name } : null;
  }

  async deleteSession(id: string): Promise<void> {
    await execute(this.pool, 'DELETE FROM quickjobs_sessions WHERE id = ?', [id]);
  }
}

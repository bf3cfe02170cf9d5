/** Settings (key/value) and webmin sessions, each of one user. */
import type { Database, Statement } from 'better-sqlite3';

export class SettingsTable {
  private readonly selectSetting: Statement<[string], { value: string }>;
  private readonly upsertSetting: Statement<[string, string]>;
  private readonly upsertSession: Statement<[string, number, string]>;
  private readonly stampLogin: Statement<[number, string]>;
  private readonly selectSession: Statement<[string, number], { expires_at: number; user_name: string }>;
  private readonly removeSession: Statement<[string]>;
  private readonly removeExpired: Statement<[number]>;

  constructor(private readonly db: Database) {
    this.selectSetting = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.upsertSetting = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.upsertSession = db.prepare(
      'INSERT INTO sessions (id, expires_at, user_name) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at',
    );
    this.stampLogin = db.prepare('UPDATE users SET last_login_at = ? WHERE name = ?');
    this.selectSession = db.prepare('SELECT expires_at, user_name FROM sessions WHERE id = ? AND expires_at > ?');
    this.removeSession = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  getSetting(key: string): string | null {
    return this.selectSetting.get(key)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.upsertSetting.run(key, value);
  }

  /** Also drops sessions that expired by `now`, so the table does not grow with every login. */
  createSession(id: string, expiresAt: number, now: number, user: string): void {
    this.db.transaction(() => {
      this.removeExpired.run(now);
      this.upsertSession.run(id, expiresAt, user);
      this.stampLogin.run(now, user);
    }).immediate();
  }

  getSession(id: string, now: number): { expiresAt: number; user: string } | null {
    const row = this.selectSession.get(id, now);
    return row ? { expiresAt: row.expires_at, user: row.user_name } : null;
  }

  deleteSession(id: string): void {
    this.removeSession.run(id);
  }
}

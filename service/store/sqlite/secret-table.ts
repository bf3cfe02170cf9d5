/** Secrets as the store keeps them: names in clear, values only as ciphertext (service/secrets/). */
import type { Database, Statement } from 'better-sqlite3';

import type { StoredSecret } from '../store.js';

interface SecretRow {
  name: string;
  value: string;
  updated_at: number;
  updated_by: string | null;
}

const toSecret = (row: SecretRow): StoredSecret => ({ name: row.name, value: row.value, updatedAt: row.updated_at, updatedBy: row.updated_by });

export class SecretTable {
  private readonly selectAll: Statement<[], SecretRow>;
  private readonly selectOne: Statement<[string], SecretRow>;
  private readonly upsert: Statement<[string, string, number, string | null]>;
  private readonly remove: Statement<[string]>;

  constructor(private readonly db: Database) {
    this.selectAll = db.prepare('SELECT name, value, updated_at, updated_by FROM secrets ORDER BY name');
    this.selectOne = db.prepare('SELECT name, value, updated_at, updated_by FROM secrets WHERE name = ?');
    this.upsert = db.prepare(
      `INSERT INTO secrets (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.remove = db.prepare('DELETE FROM secrets WHERE name = ?');
  }

  list(): StoredSecret[] {
    return this.selectAll.all().map(toSecret);
  }

  get(name: string): StoredSecret | null {
    const row = this.selectOne.get(name);
    return row ? toSecret(row) : null;
  }

  put(secret: StoredSecret): void {
    this.upsert.run(secret.name, secret.value, secret.updatedAt, secret.updatedBy);
  }

  delete(name: string): boolean {
    return this.remove.run(name).changes > 0;
  }

  /** Rewrites every value in one transaction (a key rotation): all or nothing. */
  replaceValues(secrets: StoredSecret[]): void {
    this.db.transaction(() => {
      for (const secret of secrets) this.upsert.run(secret.name, secret.value, secret.updatedAt, secret.updatedBy);
    }).immediate();
  }
}

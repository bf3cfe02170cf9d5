/** Secrets in MySQL: names in clear, values only as ciphertext (service/secrets/). */
import type { Pool } from 'mysql2/promise';

import type { StoredSecret } from '../store.js';
import { execute, selectRows, transaction } from './sql.js';

interface SecretRow {
  name: string;
  value: string;
  updated_at: number | string;
  updated_by: string | null;
}

const toSecret = (row: SecretRow): StoredSecret => ({ name: row.name, value: row.value, updatedAt: Number(row.updated_at), updatedBy: row.updated_by });

const UPSERT = `INSERT INTO quickjobs_secrets (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = VALUES(updated_at), updated_by = VALUES(updated_by)`;

export class SecretTable {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<StoredSecret[]> {
    return (await selectRows<SecretRow>(this.pool, 'SELECT name, value, updated_at, updated_by FROM quickjobs_secrets ORDER BY name')).map(toSecret);
  }

  async get(name: string): Promise<StoredSecret | null> {
    const [row] = await selectRows<SecretRow>(this.pool, 'SELECT name, value, updated_at, updated_by FROM quickjobs_secrets WHERE name = ?', [name]);
    return row ? toSecret(row) : null;
  }

  async put(secret: StoredSecret): Promise<void> {
    await execute(this.pool, UPSERT, [secret.name, secret.value, secret.updatedAt, secret.updatedBy]);
  }

  async delete(name: string): Promise<boolean> {
    const header = await execute(this.pool, 'DELETE FROM quickjobs_secrets WHERE name = ?', [name]);
    return header.affectedRows > 0;
  }

  /** Rewrites every value in one transaction (a key rotation): all or nothing. */
  async replaceValues(secrets: StoredSecret[]): Promise<void> {
    await transaction(this.pool, async (connection) => {
      for (const secret of secrets) await execute(connection, UPSERT, [secret.name, secret.value, secret.updatedAt, secret.updatedBy]);
    });
  }
}

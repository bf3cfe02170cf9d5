/** Alerts about a job (email or webhook) in MySQL, each with every delivery attempt as JSON. */
import type { Pool } from 'mysql2/promise';

import type { AlertDelivery } from '../../jobs/types.js';
import { JobNotFoundError } from '../errors.js';
import { type AlertRow, alertFromRow } from '../rows.js';
import { execute, selectRows, serverErrorCode } from './sql.js';

export class AlertTable {
  constructor(private readonly pool: Pool) {}

  async create(alert: Omit<AlertDelivery, 'id'>): Promise<number> {
    try {
      const header = await execute(
        this.pool,
        `INSERT INTO quickjobs_alerts (job, event, channel, target, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          alert.job,
          alert.event,
          alert.channel,
          alert.target,
          alert.state,
          JSON.stringify(alert.attempts),
          alert.createdAt,
          alert.updatedAt,
        ],
      );
      return header.insertId;
    } catch (error) {
      // The foreign key refuses an alert about a job that is not there.
      if (serverErrorCode(error) === 'ER_NO_REFERENCED_ROW_2') throw new JobNotFoundError(alert.job);
      throw error;
    }
  }

  /** An alert whose job was deleted meanwhile is gone with it; its late update changes nothing. */
  async update(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): Promise<void> {
    await execute(this.pool, 'UPDATE quickjobs_alerts SET state = ?, attempts = ?, updated_at = ? WHERE id = ?', [
      patch.state,
      JSON.stringify(patch.attempts),
      patch.updatedAt,
      id,
    ]);
  }

  /** Newest first. */
  async list(job: string, limit: number): Promise<AlertDelivery[]> {
    const rows = await selectRows<AlertRow>(
      this.pool,
      `SELECT id, job, event, channel, target, state, attempts, created_at, updated_at
       FROM quickjobs_alerts WHERE job = ? ORDER BY id DESC LIMIT ?`,
      [job, limit],
    );
    return rows.map(alertFromRow);
  }
}

/** Alerts about a job (email or webhook), each with every delivery attempt as JSON. */
import type { Database, Statement } from 'better-sqlite3';

import type { AlertDelivery } from '../../jobs/types.js';
import { JobNotFoundError } from '../errors.js';
import { type AlertRow, alertFromRow } from '../rows.js';

export class AlertTable {
  private readonly insertAlert: Statement<Omit<AlertRow, 'id'>>;
  private readonly updateAlert: Statement<Pick<AlertRow, 'id' | 'state' | 'attempts' | 'updated_at'>>;
  private readonly selectAlerts: Statement<[string, number], AlertRow>;

  constructor(db: Database) {
    // SELECT ... WHERE EXISTS tells an unknown job apart without parsing a foreign-key failure.
    this.insertAlert = db.prepare(
      `INSERT INTO alerts (job, event, channel, target, state, attempts, created_at, updated_at)
       SELECT @job, @event, @channel, @target, @state, @attempts, @created_at, @updated_at
       WHERE EXISTS (SELECT 1 FROM jobs WHERE name = @job)`,
    );
    this.updateAlert = db.prepare(
      'UPDATE alerts SET state = @state, attempts = @attempts, updated_at = @updated_at WHERE id = @id',
    );
    this.selectAlerts = db.prepare('SELECT * FROM alerts WHERE job = ? ORDER BY id DESC LIMIT ?');
  }

  create(alert: Omit<AlertDelivery, 'id'>): number {
    const info = this.insertAlert.run({
      job: alert.job,
      event: alert.event,
      channel: alert.channel,
      target: alert.target,
      state: alert.state,
      attempts: JSON.stringify(alert.attempts),
      created_at: alert.createdAt,
      updated_at: alert.updatedAt,
    });
    if (info.changes === 0) throw new JobNotFoundError(alert.job);
    return Number(info.lastInsertRowid);
  }

  /** An alert whose job was deleted meanwhile is gone with it; its late update changes nothing. */
  update(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): void {
    this.updateAlert.run({ id, state: patch.state, attempts: JSON.stringify(patch.attempts), updated_at: patch.updatedAt });
  }

  /** Newest first. */
  list(job: string, limit: number): AlertDelivery[] {
    return this.selectAlerts.all(job, limit).map(alertFromRow);
  }
}

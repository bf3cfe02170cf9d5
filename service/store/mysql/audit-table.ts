/** The audit trail in MySQL (SPEC §14). */
import type { Pool } from 'mysql2/promise';

import type { AuditEntry, AuditQuery, NewAuditEntry } from '../../users/types.js';
import { AUDIT_COLUMNS, auditFromRow, type AuditRow, auditWhere } from '../user-rows.js';
import { type Executor, execute, selectRows } from './sql.js';

async function insertAudit(db: Executor, entry: NewAuditEntry): Promise<void> {
  await execute(db, 'INSERT INTO quickjobs_audit (at, user, via, action, target, summary) VALUES (?, ?, ?, ?, ?, ?)', [
    entry.at,
    entry.user,
    entry.via,
    entry.action,
    entry.target,
    entry.summary,
  ]);
}

export class AuditTable {
  constructor(private readonly pool: Pool) {}

  append(entry: NewAuditEntry): Promise<void> {
    return insertAudit(this.pool, entry);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const { where, params } = auditWhere(query);
    const rows = await selectRows<AuditRow>(this.pool, `SELECT ${AUDIT_COLUMNS} FROM quickjobs_audit ${where} ORDER BY id DESC LIMIT ?`, [...params, query.limit]);
    return rows.map(auditFromRow);
  }

  async prune(before: number): Promise<number> {
    return (await execute(this.pool, 'DELETE FROM quickjobs_audit WHERE at < ?', [before])).affectedRows;
  }
}

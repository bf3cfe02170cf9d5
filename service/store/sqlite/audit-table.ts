/** The audit trail in SQLite (SPEC §14). */
import type { Database } from 'better-sqlite3';

import type { AuditEntry, AuditQuery, NewAuditEntry } from '../../users/types.js';
import { AUDIT_COLUMNS, auditFromRow, type AuditRow, auditWhere } from '../user-rows.js';

export class AuditTable {
  constructor(private readonly db: Database) {}

  append(entry: NewAuditEntry): void {
    this.db
      .prepare('INSERT INTO audit (at, user, via, action, target, summary) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.at, entry.user, entry.via, entry.action, entry.target, entry.summary);
  }

  list(query: AuditQuery): AuditEntry[] {
    const { where, params } = auditWhere(query);
    return this.db
      .prepare<Array<string | number>, AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ${where} ORDER BY id DESC LIMIT ?`)
      .all(...params, query.limit)
      .map(auditFromRow);
  }

  prune(before: number): number {
    return this.db.prepare('DELETE FROM audit WHERE at < ?').run(before).changes;
  }
}

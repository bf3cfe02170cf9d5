/** Periods (SPEC §12) in SQLite. */
import type { Database } from 'better-sqlite3';

import type { Period, PeriodPatch } from '../../periods/types.js';
import { PeriodExistsError, PeriodNotFoundError } from '../errors.js';
import { PERIOD_COLUMNS, type PeriodRow, periodFromRow, periodPatchColumns, periodToRow } from '../period-rows.js';

export class PeriodTable {
  constructor(private readonly db: Database) {}

  list(): Period[] {
    return this.db.prepare<[], PeriodRow>('SELECT * FROM periods ORDER BY name').all().map(periodFromRow);
  }

  get(name: string): Period | null {
    const row = this.db.prepare<[string], PeriodRow>('SELECT * FROM periods WHERE name = ?').get(name);
    return row === undefined ? null : periodFromRow(row);
  }

  create(period: Period): Period {
    return this.db.transaction(() => {
      const inserted = this.db
        .prepare(`INSERT INTO periods (${PERIOD_COLUMNS.join(', ')}) VALUES (${PERIOD_COLUMNS.map((c) => `@${c}`).join(', ')}) ON CONFLICT (name) DO NOTHING`)
        .run(periodToRow(period));
      if (inserted.changes === 0) throw new PeriodExistsError(period.name);
      return this.get(period.name)!;
    }).immediate();
  }

  update(name: string, patch: PeriodPatch): Period {
    return this.db.transaction(() => {
      const { columns, values } = periodPatchColumns(patch);
      const changed =
        columns.length === 0
          ? this.get(name) !== null
          : this.db.prepare(`UPDATE periods SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE name = ?`).run(...values, name).changes > 0;
      if (!changed) throw new PeriodNotFoundError(name);
      return this.get(name)!;
    }).immediate();
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM periods WHERE name = ?').run(name).changes > 0;
  }
}

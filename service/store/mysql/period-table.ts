/** Periods (SPEC §12) in MySQL; the row mapping is the SQLite store's. */
import type { Pool } from 'mysql2/promise';

import type { Period, PeriodPatch } from '../../periods/types.js';
import { PeriodExistsError, PeriodNotFoundError } from '../errors.js';
import { PERIOD_COLUMNS, type PeriodRow, periodFromRow, periodPatchColumns, periodToRow } from '../period-rows.js';
import { type Executor, execute, quoteColumn, selectRows, serverErrorCode, transaction } from './sql.js';

const COLUMN_LIST = PERIOD_COLUMNS.map(quoteColumn).join(', ');

export class PeriodTable {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<Period[]> {
    return (await selectRows<PeriodRow>(this.pool, `SELECT ${COLUMN_LIST} FROM quickjobs_periods ORDER BY name`)).map(periodFromRow);
  }

  async get(name: string, db: Executor = this.pool): Promise<Period | null> {
    const [row] = await selectRows<PeriodRow>(db, `SELECT ${COLUMN_LIST} FROM quickjobs_periods WHERE name = ?`, [name]);
    return row === undefined ? null : periodFromRow(row);
  }

  async create(period: Period): Promise<Period> {
    const row = periodToRow(period);
    try {
      await execute(
        this.pool,
        `INSERT INTO quickjobs_periods (${COLUMN_LIST}) VALUES (${PERIOD_COLUMNS.map(() => '?').join(', ')})`,
        PERIOD_COLUMNS.map((column) => row[column]),
      );
    } catch (error) {
      if (serverErrorCode(error) === 'ER_DUP_ENTRY') throw new PeriodExistsError(period.name);
      throw error;
    }
    return (await this.get(period.name))!;
  }

  async update(name: string, patch: PeriodPatch): Promise<Period> {
    return transaction(this.pool, async (connection) => {
      const { columns, values } = periodPatchColumns(patch);
      if (columns.length > 0) {
        await execute(connection, `UPDATE quickjobs_periods SET ${columns.map((c) => `${quoteColumn(c)} = ?`).join(', ')} WHERE name = ?`, [...values, name]);
      }
      // affectedRows is 0 for an update that changes nothing, so existence is read back.
      const period = await this.get(name, connection);
      if (period === null) throw new PeriodNotFoundError(name);
      return period;
    });
  }

  async delete(name: string): Promise<boolean> {
    return (await execute(this.pool, 'DELETE FROM quickjobs_periods WHERE name = ?', [name])).affectedRows > 0;
  }
}

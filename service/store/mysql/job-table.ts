/**
 * Jobs and their saved code versions in MySQL. The row mapping is the SQLite store's (same
 * columns, same values); only the SQL differs.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';

import type { By, CodeText, CodeVersion, CodeVersionInfo, Job } from '../../jobs/types.js';
import { JobExistsError, JobNotFoundError, VersionConflictError } from '../errors.js';
import {
  type CodeRow,
  codeFromRow,
  codeText,
  JOB_COLUMNS,
  type JobValues,
  jobFromValues,
  jobToRow,
  patchColumns,
} from '../rows.js';
import { forgetJobSql, MYSQL_ROLLUPS } from '../run-rollups.js';
import type { JobPatch, SaveCodeOptions } from '../store.js';
import { applyPatches } from './bulk-update.js';
import { type Executor, execute, quoteColumn, selectArrays, selectRows, serverErrorCode, transaction } from './sql.js';

const COLUMN_LIST = JOB_COLUMNS.map(quoteColumn).join(', ');
const INSERT_JOB = `INSERT INTO quickjobs_jobs (${COLUMN_LIST}) VALUES (${JOB_COLUMNS.map(() => '?').join(', ')})`;
const SELECT_JOB = `SELECT ${COLUMN_LIST} FROM quickjobs_jobs WHERE name = ?`;
const SELECT_JOBS = `SELECT ${COLUMN_LIST} FROM quickjobs_jobs ORDER BY name`;
const INSERT_CODE =
  'INSERT INTO quickjobs_code_versions (job, version, code, compiled, source_map, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?)';
const CODE_COLUMNS = 'job, version, code, compiled, source_map, saved_at, saved_by';

export class JobTable {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<Job[]> {
    return (await selectArrays<JobValues>(this.pool, SELECT_JOBS)).map(jobFromValues);
  }

  async get(name: string, db: Executor = this.pool): Promise<Job | null> {
    const [values] = await selectArrays<JobValues>(db, SELECT_JOB, [name]);
    return values === undefined ? null : jobFromValues(values);
  }

  async create(fields: Omit<Job, 'version'>, code: string | CodeText, by: By): Promise<Job> {
    return transaction(this.pool, async (connection) => {
      const row = jobToRow({ ...fields, version: 1 });
      try {
        await execute(connection, INSERT_JOB, JOB_COLUMNS.map((column) => row[column]));
      } catch (error) {
        if (serverErrorCode(error) === 'ER_DUP_ENTRY') throw new JobExistsError(fields.name);
        throw error;
      }
      // Version 1 is saved the moment the job is created.
      const text = codeText(code);
      await execute(connection, INSERT_CODE, [fields.name, 1, text.code, text.compiled, text.sourceMap, fields.createdAt, by]);
      // Read back, so the answer is exactly what was stored (no stray fields of the input).
      return (await this.get(fields.name, connection))!;
    });
  }

  /** Applies a patch on the caller's connection; false if there is no such job. */
  async applyPatch(db: Executor, name: string, patch: JobPatch): Promise<boolean> {
    const { columns, values } = patchColumns(patch);
    if (columns.length === 0) {
      return (await selectRows(db, 'SELECT 1 FROM quickjobs_jobs WHERE name = ?', [name])).length > 0;
    }
    const assignments = columns.map((column) => `${quoteColumn(column)} = ?`).join(', ');
    // The pool connects with FOUND_ROWS, so affectedRows counts the job even when nothing changed.
    const header = await execute(db, `UPDATE quickjobs_jobs SET ${assignments} WHERE name = ?`, [...values, name]);
    return header.affectedRows > 0;
  }

  async update(name: string, patch: JobPatch): Promise<Job> {
    return transaction(this.pool, async (connection) => {
      if (!(await this.applyPatch(connection, name, patch))) throw new JobNotFoundError(name);
      return (await this.get(name, connection))!;
    });
  }

  async updateMany(patches: Array<{ name: string; patch: JobPatch }>): Promise<void> {
    if (patches.length === 0) return;
    await transaction(this.pool, (connection) => applyPatches(connection, patches));
  }

  /** Versions, runs and alerts go with it (ON DELETE CASCADE, in the same statement), and its line in the per-job rollup. */
  async delete(name: string): Promise<boolean> {
    return transaction(this.pool, async (connection) => {
      await execute(connection, forgetJobSql(MYSQL_ROLLUPS), [name]);
      return (await execute(connection, 'DELETE FROM quickjobs_jobs WHERE name = ?', [name])).affectedRows > 0;
    });
  }

  async getCode(name: string, version?: number): Promise<CodeVersion | null> {
    const [row] =
      version === undefined
        ? await selectRows<CodeRow>(
            this.pool,
            `SELECT ${CODE_COLUMNS} FROM quickjobs_code_versions WHERE job = ? ORDER BY version DESC LIMIT 1`,
            [name],
          )
        : await selectRows<CodeRow>(
            this.pool,
            `SELECT ${CODE_COLUMNS} FROM quickjobs_code_versions WHERE job = ? AND version = ?`,
            [name, version],
          );
    return row === undefined ? null : codeFromRow(row);
  }

  async listVersions(name: string): Promise<CodeVersionInfo[]> {
    // LENGTH counts bytes (CHAR_LENGTH would count characters), which is what `bytes` promises.
    const rows = await selectRows<{ version: number; saved_at: number; bytes: number; saved_by: string | null }>(
      this.pool,
      'SELECT version, saved_at, saved_by, LENGTH(code) AS bytes FROM quickjobs_code_versions WHERE job = ? ORDER BY version DESC',
      [name],
    );
    return rows.map((row) => ({ version: row.version, savedAt: row.saved_at, bytes: Number(row.bytes), by: row.saved_by as By }));
  }

  async saveCode(name: string, code: string | CodeText, options: SaveCodeOptions, now: number): Promise<Job> {
    return transaction(this.pool, async (connection) => {
      const current = await this.lockVersion(connection, name);
      if (options.baseVersion !== undefined && options.baseVersion !== current) {
        throw new VersionConflictError(name, options.baseVersion, current);
      }
      const version = current + 1;
      const text = codeText(code);
      await execute(connection, INSERT_CODE, [name, version, text.code, text.compiled, text.sourceMap, now, options.by ?? null]);
      await execute(connection, 'UPDATE quickjobs_jobs SET version = ?, updated_at = ? WHERE name = ?', [version, now, name]);
      if (options.patch !== undefined) await this.applyPatch(connection, name, options.patch);
      return (await this.get(name, connection))!;
    });
  }

  /**
   * The job's version, with its row locked until the transaction ends: two nodes saving from the
   * same base take turns, and the second sees the first's version and gets its conflict.
   */
  private async lockVersion(connection: PoolConnection, name: string): Promise<number> {
    const [row] = await selectRows<{ version: number }>(
      connection,
      'SELECT version FROM quickjobs_jobs WHERE name = ? FOR UPDATE',
      [name],
    );
    if (row === undefined) throw new JobNotFoundError(name);
    return row.version;
  }
}

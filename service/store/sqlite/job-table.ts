/**
 * Jobs and their saved code versions. Synchronous, and unaware of error wrapping: SqliteStore
 * turns these calls into the async Store contract.
 */
import type { Database, Statement } from 'better-sqlite3';

import type { By, CodeText, CodeVersion, CodeVersionInfo, Job } from '../../jobs/types.js';
import { JobExistsError, JobNotFoundError, VersionConflictError } from '../errors.js';
import { forgetJobSql, SQLITE_ROLLUPS } from '../run-rollups.js';
import type { JobPatch, SaveCodeOptions } from '../store.js';
import {
  type CodeRow,
  codeFromRow,
  codeText,
  JOB_COLUMNS,
  type JobRow,
  type JobValues,
  jobFromValues,
  jobToRow,
  patchColumns,
} from '../rows.js';

const MAX_PATCH_SHAPES = 100;

export class JobTable {
  private readonly insertJob: Statement<JobRow>;
  private readonly selectJob: Statement<[string], JobValues>;
  private readonly selectJobs: Statement<[], JobValues>;
  private readonly selectVersion: Statement<[string], { version: number }>;
  private readonly removeJob: Statement<[string]>;
  private readonly forgetRollups: Statement<[string]>;
  private readonly insertCode: Statement<CodeRow>;
  private readonly setVersion: Statement<[number, number, string]>;
  private readonly selectNewestCode: Statement<[string], CodeRow>;
  private readonly selectCode: Statement<[string, number], CodeRow>;
  private readonly selectVersions: Statement<[string], { version: number; saved_at: number; bytes: number; saved_by: string | null }>;
  /** One UPDATE per patch shape (columns in order); a boot or reload repeats the same few shapes. */
  private readonly patchStatements = new Map<string, Statement<unknown[]>>();

  constructor(private readonly db: Database) {
    this.insertJob = db.prepare(
      `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (name) DO NOTHING`,
    );
    const columns = JOB_COLUMNS.join(', ');
    this.selectJob = db.prepare<[string], JobValues>(`SELECT ${columns} FROM jobs WHERE name = ?`).raw();
    this.selectJobs = db.prepare<[], JobValues>(`SELECT ${columns} FROM jobs ORDER BY name`).raw();
    this.selectVersion = db.prepare('SELECT version FROM jobs WHERE name = ?');
    this.removeJob = db.prepare('DELETE FROM jobs WHERE name = ?');
    this.forgetRollups = db.prepare(forgetJobSql(SQLITE_ROLLUPS));
    this.insertCode = db.prepare(
      `INSERT INTO code_versions (job, version, code, compiled, source_map, saved_at, saved_by)
       VALUES (@job, @version, @code, @compiled, @source_map, @saved_at, @saved_by)`,
    );
    this.setVersion = db.prepare('UPDATE jobs SET version = ?, updated_at = ? WHERE name = ?');
    this.selectNewestCode = db.prepare('SELECT * FROM code_versions WHERE job = ? ORDER BY version DESC LIMIT 1');
    this.selectCode = db.prepare('SELECT * FROM code_versions WHERE job = ? AND version = ?');
    // length(CAST(... AS BLOB)) counts UTF-8 bytes, where length(text) would count characters.
    this.selectVersions = db.prepare(
      'SELECT version, saved_at, saved_by, length(CAST(code AS BLOB)) AS bytes FROM code_versions WHERE job = ? ORDER BY version DESC',
    );
  }

  list(): Job[] {
    return this.selectJobs.all().map(jobFromValues);
  }

  get(name: string): Job | null {
    const row = this.selectJob.get(name);
    return row === undefined ? null : jobFromValues(row);
  }

  create(fields: Omit<Job, 'version'>, code: string | CodeText, by: By): Job {
    return this.db.transaction(() => {
      if (this.insertJob.run(jobToRow({ ...fields, version: 1 })).changes === 0) throw new JobExistsError(fields.name);
      // Version 1 is saved the moment the job is created.
      const text = codeText(code);
      this.insertCode.run({ job: fields.name, version: 1, code: text.code, compiled: text.compiled, source_map: text.sourceMap, saved_at: fields.createdAt, saved_by: by });
      // Read back, so the answer is exactly what was stored (no stray fields of the input).
      return this.get(fields.name)!;
    }).immediate();
  }

  /** Applies a patch inside the caller's transaction; false if there is no such job. */
  applyPatch(name: string, patch: JobPatch): boolean {
    const { columns, values } = patchColumns(patch);
    if (columns.length === 0) return this.selectVersion.get(name) !== undefined;
    const shape = columns.join(',');
    let statement = this.patchStatements.get(shape);
    if (statement === undefined) {
      // Shapes come from the service's own code, so they are few; the cap only bounds a surprise.
      if (this.patchStatements.size >= MAX_PATCH_SHAPES) this.patchStatements.clear();
      statement = this.db.prepare(`UPDATE jobs SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE name = ?`);
      this.patchStatements.set(shape, statement);
    }
    return statement.run(...values, name).changes > 0;
  }

  update(name: string, patch: JobPatch): Job {
    return this.db.transaction(() => {
      if (!this.applyPatch(name, patch)) throw new JobNotFoundError(name);
      return this.get(name)!;
    }).immediate();
  }

  updateMany(patches: Array<{ name: string; patch: JobPatch }>): void {
    this.db.transaction(() => {
      for (const { name, patch } of patches) this.applyPatch(name, patch);
    }).immediate();
  }

  /** Versions, runs and alerts go with it (ON DELETE CASCADE), and its line in the per-job rollup. */
  delete(name: string): boolean {
    return this.db.transaction(() => {
      this.forgetRollups.run(name);
      return this.removeJob.run(name).changes > 0;
    })();
  }

  getCode(name: string, version?: number): CodeVersion | null {
    const row = version === undefined ? this.selectNewestCode.get(name) : this.selectCode.get(name, version);
    return row === undefined ? null : codeFromRow(row);
  }

  listVersions(name: string): CodeVersionInfo[] {
    return this.selectVersions.all(name).map((row) => ({ version: row.version, savedAt: row.saved_at, bytes: row.bytes, by: row.saved_by as By }));
  }

  saveCode(name: string, code: string | CodeText, options: SaveCodeOptions, now: number): Job {
    return this.db.transaction(() => {
      const job = this.selectVersion.get(name);
      if (job === undefined) throw new JobNotFoundError(name);
      if (options.baseVersion !== undefined && options.baseVersion !== job.version) {
        throw new VersionConflictError(name, options.baseVersion, job.version);
      }
      const version = job.version + 1;
      const text = codeText(code);
      this.insertCode.run({ job: name, version, code: text.code, compiled: text.compiled, source_map: text.sourceMap, saved_at: now, saved_by: options.by ?? null });
      this.setVersion.run(version, now, name);
      if (options.patch !== undefined) this.applyPatch(name, options.patch);
      return this.get(name)!;
    }).immediate();
  }
}

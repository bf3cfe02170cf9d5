/**
 * The shared store: tables prefixed `quickjobs_` in a MySQL or MariaDB database that several
 * nodes use at once. Every multi-statement change runs in one InnoDB transaction, and every method
 * resolves only after the server has committed, as the Store promises.
 */
import type { Pool } from 'mysql2/promise';

import type {
  AlertDelivery,
  CodeVersion,
  CodeVersionInfo,
  FinishedRun,
  Job,
  NewRun,
  RunRecord,
} from '../jobs/types.js';
import { DataArgumentError, JobExistsError, JobNotFoundError, StoreError, VersionConflictError } from './errors.js';
import { AlertTable } from './mysql/alert-table.js';
import { DataTable } from './mysql/data-table.js';
import { JobTable } from './mysql/job-table.js';
import { migrateMysql } from './mysql/migrations.js';
import { createStorePool } from './mysql/pool.js';
import { RunTable } from './mysql/run-table.js';
import { SettingsTable } from './mysql/settings-table.js';
import { describeTarget, parseMysqlUrl } from './mysql/target.js';
import type { DataObject, DataPageQuery, JobPatch, RunQuery, Store } from './store.js';

export interface MysqlStoreOptions {
  /** `mysql://user:pass@host:port/db` (QUICKJOBS_STORE). */
  url: string;
  /** How many runs each job keeps (QUICKJOBS_RUN_HISTORY). */
  runHistory: number;
}

/** Errors that are answers, not storage failures: they pass through unwrapped. */
const DOMAIN_ERRORS = [JobExistsError, JobNotFoundError, VersionConflictError, DataArgumentError, StoreError];

export class MysqlStore implements Store {
  private readonly jobs: JobTable;
  private readonly runs: RunTable;
  private readonly data: DataTable;
  private readonly settings: SettingsTable;
  private readonly alerts: AlertTable;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    /** `user@host:port/db`, never the password. */
    private readonly detail: string,
    runHistory: number,
  ) {
    this.jobs = new JobTable(pool);
    this.runs = new RunTable(pool, this.jobs, runHistory);
    this.data = new DataTable(pool);
    this.settings = new SettingsTable(pool);
    this.alerts = new AlertTable(pool);
  }

  /**
   * Connects and applies any missing migrations. Throws StoreError if the URL is malformed, the
   * server cannot be reached, the credentials are refused or the schema is newer than this release.
   */
  static async open(options: MysqlStoreOptions): Promise<MysqlStore> {
    const target = parseMysqlUrl(options.url);
    const detail = describeTarget(target);
    const pool = createStorePool(target);
    try {
      await migrateMysql(pool, target.database);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot open the MySQL store at ${detail}: ${(error as Error).message}`, { cause: error });
    }
    return new MysqlStore(pool, detail, options.runHistory);
  }

  // ── jobs ──
  async listJobs(): Promise<Job[]> {
    return this.guard('list jobs', () => this.jobs.list());
  }
  async getJob(name: string): Promise<Job | null> {
    return this.guard('read a job', () => this.jobs.get(name));
  }
  async createJob(job: Omit<Job, 'version'>, code: string): Promise<Job> {
    return this.guard('create a job', () => this.jobs.create(job, code));
  }
  async updateJob(name: string, patch: JobPatch): Promise<Job> {
    return this.guard('update a job', () => this.jobs.update(name, patch));
  }
  async updateJobs(patches: Array<{ name: string; patch: JobPatch }>): Promise<void> {
    return this.guard('update jobs', () => this.jobs.updateMany(patches));
  }
  async deleteJob(name: string): Promise<boolean> {
    return this.guard('delete a job', () => this.jobs.delete(name));
  }

  // ── code ──
  async getCode(name: string, version?: number): Promise<CodeVersion | null> {
    return this.guard('read code', () => this.jobs.getCode(name, version));
  }
  async listVersions(name: string): Promise<CodeVersionInfo[]> {
    return this.guard('list code versions', () => this.jobs.listVersions(name));
  }
  async saveCode(name: string, code: string, options: { baseVersion?: number; patch?: JobPatch } = {}): Promise<number> {
    return this.guard('save code', () => this.jobs.saveCode(name, code, options, Date.now()));
  }

  // ── runs ──
  async startRun(run: NewRun): Promise<number> {
    return this.guard('start a run', () => this.runs.start(run));
  }
  async finishRun(id: number, finished: FinishedRun, jobPatch?: JobPatch): Promise<void> {
    return this.guard('finish a run', () => this.runs.finish(id, finished, jobPatch));
  }
  async getRun(id: number): Promise<RunRecord | null> {
    return this.guard('read a run', () => this.runs.get(id));
  }
  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    return this.guard('list runs', () => this.runs.list(query));
  }
  async interruptRunning(at: number, message: string): Promise<number> {
    return this.guard('interrupt running runs', () => this.runs.interruptRunning(at, message));
  }

  // ── settings and sessions ──
  async getSetting(key: string): Promise<string | null> {
    return this.guard('read a setting', () => this.settings.getSetting(key));
  }
  async setSetting(key: string, value: string): Promise<void> {
    return this.guard('write a setting', () => this.settings.setSetting(key, value));
  }
  async createSession(id: string, expiresAt: number): Promise<void> {
    return this.guard('create a session', () => this.settings.createSession(id, expiresAt, Date.now()));
  }
  async getSession(id: string, now: number): Promise<number | null> {
    return this.guard('read a session', () => this.settings.getSession(id, now));
  }
  async deleteSession(id: string): Promise<void> {
    return this.guard('delete a session', () => this.settings.deleteSession(id));
  }

  // ── core.data ──
  async dataGet(source: string, idOrQuery: string | Record<string, unknown>): Promise<DataObject | null> {
    return this.guard('read data', () => this.data.get(source, idOrQuery));
  }
  async dataSave(source: string, value: Record<string, unknown>): Promise<string> {
    return this.guard('save data', () => this.data.save(source, value));
  }
  async dataDelete(source: string, id: string): Promise<boolean> {
    return this.guard('delete data', () => this.data.delete(source, id));
  }
  async dataPage(source: string, query: DataPageQuery): Promise<DataObject[]> {
    return this.guard('read a data page', () => this.data.page(source, query));
  }

  // ── alerts ──
  async createAlert(alert: Omit<AlertDelivery, 'id'>): Promise<number> {
    return this.guard('create an alert', () => this.alerts.create(alert));
  }
  async updateAlert(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): Promise<void> {
    return this.guard('update an alert', () => this.alerts.update(id, patch));
  }
  async listAlerts(job: string, limit: number): Promise<AlertDelivery[]> {
    return this.guard('list alerts', () => this.alerts.list(job, limit));
  }

  async ping(): Promise<{ ok: boolean; kind: string; detail: string }> {
    try {
      await this.pool.query('SELECT 1');
      return { ok: true, kind: 'mysql', detail: this.detail };
    } catch (error) {
      return { ok: false, kind: 'mysql', detail: `${this.detail}: ${(error as Error).message}` };
    }
  }

  /** Ends the pool once; later calls wait for the same ending. */
  async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }

  /** Runs one store call; a failure that is not a domain answer becomes a StoreError with its cause. */
  private async guard<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (DOMAIN_ERRORS.some((type) => error instanceof type)) throw error;
      throw new StoreError(`MySQL store could not ${action}: ${(error as Error).message}`, { cause: error });
    }
  }
}

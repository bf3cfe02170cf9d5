/**
 * The embedded store: one SQLite file in the data folder, written by one process. better-sqlite3
 * is synchronous; every method here has committed when its promise settles, as the Store promises.
 */
import type Database from 'better-sqlite3';

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
import { AlertTable } from './sqlite/alert-table.js';
import { DataTable } from './sqlite/data-table.js';
import { JobTable } from './sqlite/job-table.js';
import { openDatabase } from './sqlite/open-database.js';
import { RunTable } from './sqlite/run-table.js';
import { SettingsTable } from './sqlite/settings-table.js';
import type { DataObject, DataPageQuery, JobPatch, RunQuery, Store } from './store.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  /** How many runs each job keeps (QUICKJOBS_RUN_HISTORY). */
  runHistory: number;
}

/** Errors that are answers, not storage failures: they pass through unwrapped. */
const DOMAIN_ERRORS = [JobExistsError, JobNotFoundError, VersionConflictError, DataArgumentError, StoreError];

export class SqliteStore implements Store {
  private readonly jobs: JobTable;
  private readonly runs: RunTable;
  private readonly data: DataTable;
  private readonly settings: SettingsTable;
  private readonly alerts: AlertTable;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    runHistory: number,
  ) {
    this.jobs = new JobTable(db);
    this.runs = new RunTable(db, this.jobs, runHistory);
    this.data = new DataTable(db);
    this.settings = new SettingsTable(db);
    this.alerts = new AlertTable(db);
  }

  /** Opens the file, applying any missing migrations. Throws StoreError if it cannot. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const db = openDatabase(options.file);
    try {
      return new SqliteStore(db, options.file, options.runHistory);
    } catch (error) {
      db.close();
      throw new StoreError(`cannot prepare the SQLite store at ${options.file}`, { cause: error });
    }
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
    this.guard('update jobs', () => this.jobs.updateMany(patches));
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
    this.guard('finish a run', () => this.runs.finish(id, finished, jobPatch));
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
    this.guard('write a setting', () => this.settings.setSetting(key, value));
  }
  async createSession(id: string, expiresAt: number): Promise<void> {
    this.guard('create a session', () => this.settings.createSession(id, expiresAt, Date.now()));
  }
  async getSession(id: string, now: number): Promise<number | null> {
    return this.guard('read a session', () => this.settings.getSession(id, now));
  }
  async deleteSession(id: string): Promise<void> {
    this.guard('delete a session', () => this.settings.deleteSession(id));
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
    this.guard('update an alert', () => this.alerts.update(id, patch));
  }
  async listAlerts(job: string, limit: number): Promise<AlertDelivery[]> {
    return this.guard('list alerts', () => this.alerts.list(job, limit));
  }

  async ping(): Promise<{ ok: boolean; kind: string; detail: string }> {
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true, kind: 'sqlite', detail: this.file };
    } catch (error) {
      return { ok: false, kind: 'sqlite', detail: `${this.file}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs one store call; a failure that is not a domain answer becomes a StoreError with its cause. */
  private guard<T>(action: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (DOMAIN_ERRORS.some((type) => error instanceof type)) throw error;
      throw new StoreError(`SQLite store could not ${action}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * The embedded store: one SQLite file in the data folder, written by one process. better-sqlite3
 * is synchronous; every method here has committed when its promise settles, as the Store promises.
 */
import type Database from 'better-sqlite3';

import { StoreError } from './errors.js';
import { AlertTable } from './sqlite/alert-table.js';
import { DataTable } from './sqlite/data-table.js';
import { JobTable } from './sqlite/job-table.js';
import { startCheckpointer, type Checkpointer } from './sqlite/checkpointer.js';
import { openDatabase, sqliteUnavailableReason } from './sqlite/open-database.js';
import { PeriodTable } from './sqlite/period-table.js';
import { RunTable } from './sqlite/run-table.js';
import { SettingsTable } from './sqlite/settings-table.js';
import { SecretTable } from './sqlite/secret-table.js';
import { TableStore } from './table-store.js';
import { AuditTable } from './sqlite/audit-table.js';
import { UserTable } from './sqlite/user-table.js';
import { auditRow, changedAnything, type PendingAudit } from '../users/audit-context.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created if missing. */
  file: string;
  /** How many runs each job keeps (QUICKJOBS_RUN_HISTORY). */
  runHistory: number;
  /**
   * Checkpoint the WAL from a background thread instead of inside commits (the service's own
   * store, whose commits sit on the tick loop's path). Default false.
   */
  backgroundCheckpoint?: boolean;
}

export class SqliteStore extends TableStore {
  private checkpointer: Checkpointer | undefined;

  private constructor(
    private readonly db: Database.Database,
    file: string,
    runHistory: number,
  ) {
    const jobs = new JobTable(db);
    super(
      {
        jobs,
        runs: new RunTable(db, jobs, runHistory),
        data: new DataTable(db),
        settings: new SettingsTable(db),
        periods: new PeriodTable(db),
        secrets: new SecretTable(db),
        alerts: new AlertTable(db),
        users: new UserTable(db),
        audit: new AuditTable(db),
      },
      { label: 'SQLite store', kind: 'sqlite', detail: file, deadlineMs: null },
    );
  }

  /** Opens the file, applying any missing migrations. Throws StoreError if it cannot. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const db = openDatabase(options.file);
    try {
      const store = new SqliteStore(db, options.file, options.runHistory);
      if (options.backgroundCheckpoint) {
        db.pragma('wal_autocheckpoint = 0');
        store.checkpointer = startCheckpointer(options.file);
      }
      return store;
    } catch (error) {
      db.close();
      throw new StoreError(`cannot prepare the SQLite store at ${options.file}`, { cause: error });
    }
  }

  /** The change and its audit entry in one transaction (a nested one becomes a savepoint). */
  protected override withAudit<T>(call: () => T | Promise<T>, audit: PendingAudit): () => T | Promise<T> {
    const audits = new AuditTable(this.db);
    let wrote = false;
    return () => {
      const answer = this.db
        .transaction(() => {
          const result = call() as T;
          wrote = changedAnything(result);
          if (wrote) audits.append(auditRow(audit, result));
          return result;
        })
        .immediate();
      if (wrote) audit.written = true;
      return answer;
    };
  }

  protected override unavailableReason(error: unknown): string | null {
    return sqliteUnavailableReason(error);
  }

  override async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

/**
 * The shared store: tables prefixed `quickjobs_` in a MySQL or MariaDB database that several
 * nodes use at once. Every multi-statement change runs in one InnoDB transaction, and every method
 * resolves only after the server has committed, as the Store promises.
 */
import type { Pool } from 'mysql2/promise';

import { StoreError } from './errors.js';
import { AlertTable } from './mysql/alert-table.js';
import { DataTable } from './mysql/data-table.js';
import { JobTable } from './mysql/job-table.js';
import { migrateMysql } from './mysql/migrations.js';
import { createStorePool, mysqlUnavailableReason, STORE_DEADLINE_MS } from './mysql/pool.js';
import { PeriodTable } from './mysql/period-table.js';
import { RunTable } from './mysql/run-table.js';
import { SettingsTable } from './mysql/settings-table.js';
import { describeTarget, parseMysqlUrl } from './mysql/target.js';
import { SecretTable } from './mysql/secret-table.js';
import { TableStore } from './table-store.js';
import { AuditTable } from './mysql/audit-table.js';
import { UserTable } from './mysql/user-table.js';

export interface MysqlStoreOptions {
  /** `mysql://user:pass@host:port/db` (QUICKJOBS_STORE). */
  url: string;
  /** How many runs each job keeps (QUICKJOBS_RUN_HISTORY). */
  runHistory: number;
  /** The longest any call may take, connecting included; default STORE_DEADLINE_MS. */
  deadlineMs?: number;
}

export class MysqlStore extends TableStore {
  private closing: Promise<void> | undefined;

  private constructor(
    /** The store's connections (several nodes on one store name them; see cluster/node-connections.ts). */
    readonly pool: Pool,
    /** `user@host:port/db`, never the password. */
    detail: string,
    runHistory: number,
    deadlineMs: number,
  ) {
    const jobs = new JobTable(pool);
    super(
      {
        jobs,
        runs: new RunTable(pool, runHistory),
        data: new DataTable(pool),
        settings: new SettingsTable(pool),
        periods: new PeriodTable(pool),
        secrets: new SecretTable(pool),
        alerts: new AlertTable(pool),
        users: new UserTable(pool),
        audit: new AuditTable(pool),
      },
      { label: 'MySQL store', kind: 'mysql', detail, deadlineMs },
    );
  }

  /**
   * Connects and applies any missing migrations. Throws StoreError if the URL is malformed, the
   * server cannot be reached, the credentials are refused or the schema is newer than this release.
   */
  static async open(options: MysqlStoreOptions): Promise<MysqlStore> {
    const target = parseMysqlUrl(options.url);
    const detail = describeTarget(target);
    const deadlineMs = options.deadlineMs ?? STORE_DEADLINE_MS;
    const pool = createStorePool(target, deadlineMs);
    try {
      await migrateMysql(pool, target.database);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot open the MySQL store at ${detail}: ${(error as Error).message}`, { cause: error });
    }
    return new MysqlStore(pool, detail, options.runHistory, deadlineMs);
  }

  protected override unavailableReason(error: unknown): string | null {
    return mysqlUnavailableReason(error);
  }

  /** Ends the pool once; later calls wait for the same ending. */
  override async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }
}

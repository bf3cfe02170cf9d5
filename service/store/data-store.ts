/**
 * The part of the store `core.data` needs, as each sandbox worker opens it: the data table over its
 * own connection and nothing else. The service's store has already migrated the schema before the
 * pool starts, so a worker runs no migrations and prepares no other table's statements.
 */
import type { Pool } from 'mysql2/promise';

import type { StoreConfig } from '../config.js';
import { DataArgumentError, DataQuotaError, StoreError } from './errors.js';
import { DataTable as MysqlDataTable } from './mysql/data-table.js';
import { createStorePool, STORE_DEADLINE_MS } from './mysql/pool.js';
import { parseMysqlUrl } from './mysql/target.js';
import { DataTable as SqliteDataTable } from './sqlite/data-table.js';
import { SecretTable as MysqlSecretTable } from './mysql/secret-table.js';
import { SecretTable as SqliteSecretTable } from './sqlite/secret-table.js';
import { openDatabase } from './sqlite/open-database.js';
import type { Store } from './store.js';

export type DataStore = Pick<Store, 'dataGet' | 'dataSave' | 'dataDelete' | 'dataPage' | 'getSecret' | 'close'>;

type Table = Pick<SqliteDataTable | MysqlDataTable, 'get' | 'save' | 'delete' | 'page'>;
type Secrets = Pick<SqliteSecretTable | MysqlSecretTable, 'get'>;

export interface DataStoreOptions {
  /** Given the MySQL pool before its first use (a node of a cluster names its connections). */
  onPool?: (pool: Pool) => void;
}

export async function openDataStore(config: StoreConfig, options: DataStoreOptions = {}): Promise<DataStore> {
  if (config.kind === 'mysql') {
    const pool = createStorePool(parseMysqlUrl(config.url), STORE_DEADLINE_MS);
    options.onPool?.(pool);
    return tableDataStore(new MysqlDataTable(pool), new MysqlSecretTable(pool), 'MySQL store', () => pool.end());
  }
  const db = openDatabase(config.file, { migrate: false });
  try {
    return tableDataStore(new SqliteDataTable(db), new SqliteSecretTable(db), 'SQLite store', async () => void db.close());
  } catch (error) {
    db.close();
    throw new StoreError(`cannot prepare the SQLite data store at ${config.file}`, { cause: error });
  }
}

function tableDataStore(table: Table, secrets: Secrets, label: string, close: () => Promise<void>): DataStore {
  /** As the full store does: a typed answer passes, any other failure becomes a StoreError. */
  const guard = async <T>(action: string, call: () => T | Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof DataArgumentError || error instanceof DataQuotaError) throw error;
      throw new StoreError(`${label} could not ${action}: ${(error as Error).message}`, { cause: error });
    }
  };
  let closing: Promise<void> | undefined;
  return {
    dataGet: (source, idOrQuery) => guard('read data', () => table.get(source, idOrQuery)),
    dataSave: (source, value, owner) => guard('save data', () => table.save(source, value, owner)),
    dataDelete: (source, id) => guard('delete data', () => table.delete(source, id)),
    dataPage: (source, query) => guard('read a data page', () => table.page(source, query)),
    getSecret: (name) => guard('read a secret', () => secrets.get(name)),
    close: () => (closing ??= close()),
  };
}

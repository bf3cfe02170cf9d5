/** Opens the store QUICKJOBS_STORE names. */
import type { StoreConfig } from '../config.js';
import { MysqlStore } from './mysql-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** `backgroundCheckpoint`: the service's own store (see sqlite/checkpointer.ts); SQLite only. */
export async function openStore(config: StoreConfig, runHistory: number, options: { backgroundCheckpoint?: boolean } = {}): Promise<Store> {
  if (config.kind === 'mysql') return MysqlStore.open({ url: config.url, runHistory });
  return SqliteStore.open({ file: config.file, runHistory, backgroundCheckpoint: options.backgroundCheckpoint });
}

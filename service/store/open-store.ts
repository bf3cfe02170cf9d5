/** Opens the store QUICKJOBS_STORE names. */
import { ConfigError } from '../config-error.js';
import type { StoreConfig } from '../config.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export async function openStore(config: StoreConfig, runHistory: number): Promise<Store> {
  if (config.kind === 'mysql') {
    // The shared MySQL store is not built yet; refusing is better than silently using SQLite.
    throw new ConfigError('QUICKJOBS_STORE', 'the shared MySQL store is not available in this version; leave it unset for the embedded SQLite store');
  }
  return SqliteStore.open({ file: config.file, runHistory });
}

/** Opens (creating if needed) the SQLite file with the settings every connection of ours uses. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { StoreError } from '../errors.js';
import { migrate } from './migrations.js';

/** How long a write waits for another process (the CLI's `passwd`, a second start) to let go. */
const BUSY_TIMEOUT_MS = 5000;

/** `migrate: false` for a connection that only uses a schema the service's store has migrated. */
export function openDatabase(file: string, options: { migrate?: boolean } = {}): Database.Database {
  let db: Database.Database | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // WAL with synchronous = NORMAL: a commit is appended to the WAL file before the call returns,
    // so it is in the operating system's hands and survives the process dying at any moment
    // (kill -9, a crash, an OOM kill), which is the promise the Store makes. Only a power loss or
    // kernel crash can lose the last few commits, and even then the file stays consistent.
    // synchronous = FULL would fsync every commit and cost an order of magnitude in write speed
    // for a guarantee the service does not offer.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (options.migrate !== false) migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open the SQLite store at ${file}: ${(error as Error).message}`, { cause: error });
  }
}

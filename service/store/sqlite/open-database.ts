/** Opens (creating if needed) the SQLite file with the settings every connection of ours uses. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { StoreError } from '../errors.js';
import { migrate } from './migrations.js';

/**
 * How long a write waits for another connection to let go: the sandbox workers' own connections
 * (core.data), the checkpoint thread, the CLI's `passwd`. Every write transaction that reads first
 * takes the write lock up front (`.immediate()`), because SQLite answers a deferred transaction's
 * upgrade from reading to writing with SQLITE_BUSY_SNAPSHOT at once, without waiting at all, when
 * another connection committed in between.
 */
export const BUSY_TIMEOUT_MS = 5000;

/** SQLite's answers that mean the file cannot be used now, in words; null for any other failure. */
export function sqliteUnavailableReason(error: unknown): string | null {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('SQLITE_BUSY')) return `the database stayed locked by another connection for over ${BUSY_TIMEOUT_MS / 1000} s`;
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_READONLY')) return 'the database file or its folder is read-only';
  if (code.startsWith('SQLITE_IOERR')) return `the disk failed a read or write (${code})`;
  if (code === 'SQLITE_CANTOPEN') return 'the database file cannot be opened';
  return null;
}

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
    const reason = unwritableFolder(dirname(file)) ?? sqliteUnavailableReason(error) ?? (error as Error).message;
    throw new StoreError(`cannot open the SQLite store at ${file}: ${reason}`, { cause: error });
  }
}

/** SQLite says only "unable to open database file"; the folder's own answer names the cause. */
function unwritableFolder(folder: string): string | null {
  try {
    accessSync(folder, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `its folder ${folder} is read-only (${code})`;
    return null;
  }
}

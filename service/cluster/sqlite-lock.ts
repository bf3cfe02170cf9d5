/**
 * The SQLite store serves one node (SPEC §8): the service takes `<file>.lock`, holding its process
 * id, for as long as it runs. A second service on the same file is refused, naming it; a lock left
 * by a process that died is taken over. The CLI's short commands (passwd, run) do not take it.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { StoreError } from '../store/errors.js';

export interface FileLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockSqliteFile(file: string): FileLock {
  const path = `${file}.lock`;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch {
    // reported by the store's own open
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // gone already
          }
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A folder that takes no files takes no writes either: the store's own start check then
      // refuses with the reason, so the lock steps aside.
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOSPC') return { release: () => undefined };
      if (code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new StoreError(
          `the SQLite store ${file} is in use by another quickjobs process (pid ${holder}); a SQLite store serves one node — use QUICKJOBS_STORE=mysql://… for several`,
        );
      }
      unlinkSync(path); // left by a process that is gone
    }
  }
  throw new StoreError(`could not take the lock ${path}`);
}

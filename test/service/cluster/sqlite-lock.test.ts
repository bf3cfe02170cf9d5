/** A SQLite store serves one node: a second service on the same file is refused, naming it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { lockSqliteFile } from '../../../service/cluster/sqlite-lock.js';
import { StoreError } from '../../../service/store/errors.js';

describe('the SQLite store file lock', () => {
  it('refuses a file another live process holds, naming the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'qj-lock-')), 'quickjobs.db');
    // The test runner that started this process is alive and is not this process.
    writeFileSync(`${file}.lock`, `${process.ppid}\n`);
    assert.throws(() => lockSqliteFile(file), (error: unknown) => error instanceof StoreError && error.message.includes(file));
  });

  it('takes over a lock left by a process that is gone, and releases it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'qj-lock-')), 'quickjobs.db');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${file}.lock`, `${gone}\n`);
    const lock = lockSqliteFile(file);
    lock.release();
    assert.equal(existsSync(`${file}.lock`), false);
  });
});

/**
 * The service's store checkpoints its WAL from a background thread, so no commit on the tick
 * loop's path stalls copying pages into the database file.
 */
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE } from '../../../service/jobs/types.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quickjobs-checkpoint-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fill(store: SqliteStore): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await store.createJob(
      {
        ...DEFAULT_SETTINGS,
        interval: 60,
        description: 'x'.repeat(2000),
        name: `job${i}`,
        ...NEW_JOB_STATE,
        path: `job${i}.js`,
        owner: 'user',
        sourceHash: null,
        createdAt: 0,
        updatedAt: 0,
      },
      'return 1;',
    );
  }
}

/**
 * Resolves when `file` is larger than `size`. In WAL mode commits write only the WAL; the database
 * file itself changes only when a checkpoint copies pages into it, and each change is watched.
 */
function grows(file: string, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(file);
    const check = () =>
      void stat(file).then((now) => {
        if (now.size <= size) return;
        watcher.close();
        resolve();
      }, reject);
    watcher.on('change', check);
    watcher.on('error', reject);
    check();
  });
}

describe('the WAL checkpoint', () => {
  it('is left to the background thread: the database file grows without any commit checkpointing', { timeout: 10_000 }, async () => {
    const file = join(dir, 'background.db');
    const store = SqliteStore.open({ file, runHistory: 10, backgroundCheckpoint: true });
    const before = (await stat(file)).size;
    await fill(store);
    // Pages must reach the file without another commit (the test's timeout bounds the wait).
    await grows(file, before + 300 * 2000);
    await store.close();
  });

  it('is not done at all by a commit when the background thread is off and automatic checkpoints are disabled', async () => {
    // The control for the test above: with neither, the pages stay in the WAL.
    const file = join(dir, 'control.db');
    const store = SqliteStore.open({ file, runHistory: 10 });
    (store as unknown as { db: { pragma(s: string): unknown } }).db.pragma('wal_autocheckpoint = 0');
    const before = (await stat(file)).size;
    // Commits are synchronous: a checkpoint done by one would have grown the file when it returned.
    await fill(store);
    assert.ok((await stat(file)).size < before + 300 * 2000, 'the pages are still only in the WAL');
    await store.close();
  });
});

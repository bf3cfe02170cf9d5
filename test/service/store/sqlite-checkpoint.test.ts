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
import { openDatabase } from '../../../service/store/sqlite/open-database.js';
import { startCheckpointer } from '../../../service/store/sqlite/checkpointer.js';

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

  /**
   * Commits in a steady stream, with a second connection reading between them, as the service's
   * threads do at a high run rate; returns the largest the WAL file got.
   */
  async function hammer(file: string, truncateAbove: number): Promise<number> {
    const writer = openDatabase(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)');
    const reader = openDatabase(file);
    const checkpointer = startCheckpointer(file, 50, truncateAbove);
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    const count = reader.prepare('SELECT count(*) FROM t');
    let largest = 0;
    try {
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        for (let i = 0; i < 20; i++) insert.run('x'.repeat(3000));
        writer.exec('DELETE FROM t WHERE id < (SELECT max(id) - 100 FROM t)');
        count.get();
        largest = Math.max(largest, (await stat(`${file}-wal`)).size);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      await checkpointer.stop();
      reader.close();
      writer.close();
    }
    return largest;
  }

  it('empties the WAL once it passes its limit, however steadily commits come', { timeout: 30_000 }, async () => {
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    // The control: PASSIVE alone lets a steady stream of commits grow the WAL without end.
    const passiveOnly = await hammer(join(dir, 'passive.db'), Number.POSITIVE_INFINITY);
    const bounded = await hammer(join(dir, 'bounded.db'), 2 * 2 ** 20);
    // Here: 518 MB against 12.8 MB in 3 s. With the limit, the WAL holds what the commits add
    // between two rounds of the thread (50 ms) and while it waits for its turn.
    assert.ok(passiveOnly > 4 * bounded, `PASSIVE alone let the WAL reach ${mb(passiveOnly)} MB, the limit ${mb(bounded)} MB`);
    assert.ok(bounded < 32 * 2 ** 20, `the WAL reached ${mb(bounded)} MB against a 2 MB limit`);
  });
});

/**
 * The service's store checkpoints its WAL from a background thread, so no commit on the tick
 * loop's path stalls copying pages into the database file.
 */
import assert from 'node:assert/strict';
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('the WAL checkpoint', () => {
  it('is left to the background thread: the database file grows without any commit checkpointing', async () => {
    const file = join(dir, 'background.db');
    const store = SqliteStore.open({ file, runHistory: 10, backgroundCheckpoint: true });
    const before = (await stat(file)).size;
    await fill(store);
    await settle();
    assert.ok((await stat(file)).size > before + 300 * 2000, 'pages were copied into the database file');
    await store.close();
  });

  it('is not done at all by a commit when the background thread is off and automatic checkpoints are disabled', async () => {
    // The control for the test above: with neither, the pages stay in the WAL.
    const file = join(dir, 'control.db');
    const store = SqliteStore.open({ file, runHistory: 10 });
    (store as unknown as { db: { pragma(s: string): unknown } }).db.pragma('wal_autocheckpoint = 0');
    const before = (await stat(file)).size;
    await fill(store);
    await settle();
    assert.ok((await stat(file)).size < before + 300 * 2000, 'the pages are still only in the WAL');
    await store.close();
  });
});

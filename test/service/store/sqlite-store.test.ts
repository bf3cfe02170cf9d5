/** The SQLite store: the shared contract on a real temp file, plus what only a file can show. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import Database from 'better-sqlite3';

import { StoreError } from '../../../service/store/errors.js';
import { migrate, SCHEMA_VERSION } from '../../../service/store/sqlite/migrations.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import { CONFORMANCE_RUN_HISTORY, describeStoreConformance } from './conformance.js';
import { assertKeptAcrossReopen } from './conformance/reopen.js';
import { newJob, newRun, T0 } from './conformance/context.js';

const root = mkdtempSync(join(tmpdir(), 'quickjobs-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A path in a folder that does not exist yet, so open must create it. */
function freshFile(): string {
  counter += 1;
  return join(root, `case-${counter}`, 'nested', 'quickjobs.db');
}

describeStoreConformance('sqlite', async () => {
  const file = freshFile();
  const store = SqliteStore.open({ file, runHistory: CONFORMANCE_RUN_HISTORY });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(join(file, '..', '..'), { recursive: true, force: true });
    },
  };
});

describe('the sqlite store on disk', () => {
  it('keeps everything across close and reopen', async () => {
    const file = freshFile();
    await assertKeptAcrossReopen(() => SqliteStore.open({ file, runHistory: 10 }));
  });

  it('reports the file it keeps in its ping', async () => {
    const file = freshFile();
    const store = SqliteStore.open({ file, runHistory: 10 });
    assert.deepEqual(await store.ping(), { ok: true, kind: 'sqlite', detail: file });
    await store.close();
  });

  it('turns a failure of the database itself into a StoreError with its cause', async () => {
    const store = SqliteStore.open({ file: freshFile(), runHistory: 10 });
    await store.close();
    await assert.rejects(store.listJobs(), (error: unknown) => error instanceof StoreError && error.cause !== undefined);
    assert.equal((await store.ping()).ok, false);
  });

  it('refuses to open a path it cannot create, with a StoreError', () => {
    // A plain file where the folder should be.
    const blocker = join(root, 'blocker.db');
    new Database(blocker).close();
    assert.throws(() => SqliteStore.open({ file: join(blocker, 'x.db'), runHistory: 10 }), StoreError);
  });

  it('applies 10,000 patches and lists 10,000 jobs quickly', async () => {
    const store = SqliteStore.open({ file: freshFile(), runHistory: 10 });
    try {
      const names = Array.from({ length: 10_000 }, (_, i) => `job-${i}`);
      for (const name of names) await store.createJob(newJob(name), '');
      const patches = names.map((name, i) => ({ name, patch: { nextRunAt: T0 + i, status: 'ok' as const } }));

      let began = performance.now();
      await store.updateJobs(patches);
      const updateMs = performance.now() - began;
      began = performance.now();
      const jobs = await store.listJobs();
      const listMs = performance.now() - began;

      assert.equal(jobs.length, 10_000);
      assert.ok(jobs.every((job) => job.nextRunAt === T0 + Number(job.name.slice(4)) && job.status === 'ok'));
      // Generous bounds for a busy shared machine (both take tens of milliseconds); they catch
      // a commit per patch or a query per job, not a slow day.
      assert.ok(updateMs < 1500, `updateJobs took ${updateMs.toFixed(0)} ms`);
      assert.ok(listMs < 1500, `listJobs took ${listMs.toFixed(0)} ms`);
    } finally {
      await store.close();
    }
  });

  describe('migrations', () => {
    it('stamps a new file with the schema version', async () => {
      const file = freshFile();
      await SqliteStore.open({ file, runHistory: 10 }).close();
      const db = new Database(file, { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      db.close();
    });

    it('applies nothing twice: reopening and migrating again change nothing', async () => {
      const file = freshFile();
      const store = SqliteStore.open({ file, runHistory: 10 });
      await store.createJob(newJob('survivor'), 'code');
      await store.close();
      await SqliteStore.open({ file, runHistory: 10 }).close();

      const db = new Database(file);
      const schema = () => db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
      const before = schema();
      assert.equal(migrate(db), SCHEMA_VERSION);
      assert.deepEqual(schema(), before);
      assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 1);
      db.close();
    });

    it('reads a job and a run from before params (step 8) as a job without params and a run with no record of them', async () => {
      const file = freshFile();
      const store = SqliteStore.open({ file, runHistory: 10 });
      try {
        await store.createJob(newJob('older'), 'code');
        const id = await store.startRun(newRun('older', T0));
        // The columns step 8 added hold NULL in rows written before it.
        const raw = new Database(file);
        raw.exec('UPDATE jobs SET params = NULL; UPDATE runs SET params = NULL');
        raw.close();
        assert.deepEqual((await store.getJob('older'))?.params, {});
        assert.equal((await store.getRun(id))?.params, null);
      } finally {
        await store.close();
      }
    });

    it('applies only the steps a file has not seen, each with its version', () => {
      const db = new Database(':memory:');
      const steps = [
        { version: 1, description: 'one', sql: 'CREATE TABLE one (x INTEGER)' },
        { version: 2, description: 'two', sql: 'CREATE TABLE two (x INTEGER)' },
      ];
      assert.equal(migrate(db, steps.slice(0, 1)), 1);
      assert.equal(migrate(db, steps), 2);
      assert.equal(migrate(db, steps), 2);
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['one', 'two']);
      db.close();
    });

    it('rolls a failing step back whole, version included', () => {
      const db = new Database(':memory:');
      const steps = [
        { version: 1, description: 'one', sql: 'CREATE TABLE one (x INTEGER)' },
        { version: 2, description: 'broken', sql: 'CREATE TABLE two (x INTEGER); CREATE TABLE one (x INTEGER)' },
      ];
      assert.throws(() => migrate(db, steps));
      assert.equal(db.pragma('user_version', { simple: true }), 1);
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
      assert.deepEqual(tables, ['one']);
      db.close();
    });

    it('refuses a file written by a newer schema', () => {
      const file = freshFile();
      SqliteStore.open({ file, runHistory: 10 }).close();
      const db = new Database(file);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      assert.throws(() => SqliteStore.open({ file, runHistory: 10 }), StoreError);
    });
  });
});

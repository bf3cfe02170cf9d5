/**
 * The MySQL store on the real MariaDB: the shared contract, plus what only a server shared by
 * several nodes can show. The tests share one migrated database, emptied before each; those about
 * the schema itself (applying it, finishing a step, refusing a newer one) take a new database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { StoreError, VersionConflictError } from '../../../service/store/errors.js';
import { MYSQL_MIGRATIONS, MYSQL_SCHEMA_VERSION } from '../../../service/store/mysql/migrations.js';
import { createStorePool } from '../../../service/store/mysql/pool.js';
import { parseMysqlUrl } from '../../../service/store/mysql/target.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { createMigratedTestDatabase, type MigratedTestDatabase } from '../../helpers/mysql-database.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { CONFORMANCE_RUN_HISTORY, describeStoreConformance } from './conformance.js';
import { assertKeptAcrossReopen } from './conformance/reopen.js';
import { newJob, newRun, succeeded, T0 } from './conformance/context.js';

const skip = await gate('mysql', probeMysql);

/** The server of MYSQL_URL, with no database selected, for creating and dropping test databases. */
function serverUrl(): URL {
  const url = new URL(MYSQL_URL);
  url.pathname = '/';
  return url;
}

/** The store URL of `database` on the test server. */
function storeUrl(database: string): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

let admin: mysql.Connection | undefined;

/** A new, empty, uniquely named database: runs of this suite never see each other's rows. */
async function freshDatabase(): Promise<string> {
  const name = `quickjobs_test_${randomBytes(6).toString('hex')}`;
  await admin!.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  await admin!.query(`DROP DATABASE IF EXISTS \`${name}\``);
}

let shared: MigratedTestDatabase | undefined;

/** The file's migrated database, emptied: for a test that needs an empty store, not a new schema. */
async function emptiedDatabase(): Promise<string> {
  await shared!.reset();
  return shared!.name;
}

describe('the MySQL store on the real server', { skip }, () => {
  before(async () => {
    admin = await mysql.createConnection(serverUrl().toString());
    shared = await createMigratedTestDatabase();
  });
  after(async () => {
    await shared?.drop();
    await admin?.end();
  });

  describeStoreConformance('mysql', async () => {
    const store = await MysqlStore.open({ url: storeUrl(await emptiedDatabase()), runHistory: CONFORMANCE_RUN_HISTORY });
    return { store, cleanup: () => store.close() };
  });

  describe('on a server shared by several nodes', () => {
    it('lets two nodes open the same empty database at once, applying the schema once', async () => {
      const database = await freshDatabase();
      try {
        const stores = await Promise.all([
          MysqlStore.open({ url: storeUrl(database), runHistory: 10 }),
          MysqlStore.open({ url: storeUrl(database), runHistory: 10 }),
        ]);
        try {
          const [rows] = await admin!.query(`SELECT version FROM \`${database}\`.quickjobs_schema ORDER BY version`);
          assert.deepEqual(
            (rows as Array<{ version: number }>).map((row) => row.version),
            MYSQL_MIGRATIONS.map((step) => step.version),
          );
          // Each node sees what the other writes.
          await stores[0].createJob(newJob('shared'), 'code');
          assert.equal((await stores[1].getJob('shared'))?.name, 'shared');
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      } finally {
        await dropDatabase(database);
      }
    });

    it('keeps everything across close and reopen', async () => {
      const database = await emptiedDatabase();
      await assertKeptAcrossReopen(() => MysqlStore.open({ url: storeUrl(database), runHistory: 10 }));
    });

    it('keeps its tables to the quickjobs_ prefix, so it can share a database', async () => {
      const database = await freshDatabase();
      try {
        await admin!.query(`CREATE TABLE \`${database}\`.jobs (id INT)`);
        await (await MysqlStore.open({ url: storeUrl(database), runHistory: 10 })).close();
        const [rows] = await admin!.query(
          'SELECT table_name AS name, engine FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
          [database],
        );
        const tables = rows as Array<{ name: string; engine: string }>;
        assert.ok(tables.some((table) => table.name === 'jobs'), 'the foreign table is left alone');
        for (const table of tables.filter((t) => t.name !== 'jobs')) {
          assert.match(table.name, /^quickjobs_/);
          assert.equal(table.engine, 'InnoDB');
        }
      } finally {
        await dropDatabase(database);
      }
    });

    it('tells job names apart by case, as the embedded store does', async () => {
      const database = await emptiedDatabase();
      const store = await MysqlStore.open({ url: storeUrl(database), runHistory: 10 });
      try {
        await store.createJob(newJob('Report'), 'upper');
        await store.createJob(newJob('report'), 'lower');
        assert.equal((await store.getCode('Report'))?.code, 'upper');
        assert.equal((await store.getCode('report'))?.code, 'lower');
        assert.equal((await store.dataSave('s', { _id: 'A', v: 1 })), 'A');
        assert.equal(await store.dataGet('s', 'a'), null);
        assert.equal(await store.dataGet('s', { v: 1, _id: 'a' }), null);
      } finally {
        await store.close();
      }
    });

    it('lets one of two saves from the same base version win and refuses the other', async () => {
      const database = await emptiedDatabase();
      const stores = await Promise.all([
        MysqlStore.open({ url: storeUrl(database), runHistory: 10 }),
        MysqlStore.open({ url: storeUrl(database), runHistory: 10 }),
      ]);
      try {
        await stores[0].createJob(newJob('raced'), 'one');
        const results = await Promise.allSettled(
          stores.map((store, i) => store.saveCode('raced', `from node ${i}`, { baseVersion: 1 })),
        );
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const refused = results.find((r) => r.status === 'rejected');
        assert.ok(refused?.status === 'rejected' && refused.reason instanceof VersionConflictError);
        assert.equal((await stores[1].getJob('raced'))?.version, 2);
        assert.deepEqual(
          (await stores[1].listVersions('raced')).map((v) => v.version),
          [2, 1],
        );
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('finishes many runs at once from two nodes and keeps exactly the newest of them', async () => {
      const database = await emptiedDatabase();
      const stores = await Promise.all([
        MysqlStore.open({ url: storeUrl(database), runHistory: 5 }),
        MysqlStore.open({ url: storeUrl(database), runHistory: 5 }),
      ]);
      try {
        await stores[0].createJob(newJob('busy'), '');
        await stores[0].createJob(newJob('other'), '');
        const ids: number[] = [];
        // One run of a job is in flight at a time (the claim): each run of 'busy' ends while the
        // other node records a run of 'other', so finishes of both jobs commit side by side.
        for (let i = 0; i < 30; i++) {
          const id = await stores[i % 2]!.startRun(newRun('busy', T0 + i));
          ids.push(id);
          const other = await stores[(i + 1) % 2]!.startRun(newRun('other', T0 + i));
          await Promise.all([
            stores[i % 2]!.finishRun(id, succeeded(T0 + i), { lastRunAt: T0 + i, status: 'ok' }),
            stores[(i + 1) % 2]!.finishRun(other, succeeded(T0 + i), { lastRunAt: T0 + i, status: 'ok' }),
          ]);
        }
        const runs = await stores[1].listRuns({ job: 'busy', limit: 100 });
        assert.ok(runs.every((run) => run.outcome === 'success'));
        // Each finish keeps the newest five plus itself, so the last few to commit may linger
        // until the next finish; never fewer than five, and always the five newest.
        assert.ok(runs.length >= 5, `${runs.length} runs kept`);
        assert.deepEqual(
          runs.slice(0, 5).map((run) => run.id),
          ids.slice(-5).reverse(),
        );
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('records a batch of ends of many jobs at once: each run once, its own values, its own patch, counted once', async () => {
      const database = await emptiedDatabase();
      const store = await MysqlStore.open({ url: storeUrl(database), runHistory: 2 });
      try {
        const names = Array.from({ length: 40 }, (_, i) => `j${String(i).padStart(2, '0')}`);
        for (const name of names) await store.createJob(newJob(name), '');
        // Two finished runs of each job already, so the batch's pruning has something to cut.
        for (const name of names) {
          for (const k of [1, 2]) await store.finishRun(await store.startRun(newRun(name, T0 - k * 1000)), succeeded(T0 - k * 1000));
        }
        const ids = await store.startRuns(names.map((name, i) => newRun(name, T0 + i, { node: i === 7 ? 'gone' : null })));
        const id = (i: number) => (ids[i] as { id: number }).id;
        // A node found dead: its run is interrupted before its end arrives, which must not undo that.
        await store.interruptRunning(T0 + 100, 'its node stopped', 'gone');
        const ends = names.map((name, i) => ({
          id: id(i),
          finished: succeeded(T0 + i, i % 3 === 0 ? { outcome: 'error', result: null, error: { message: `boom ${i}` } } : {}),
          // Two shapes of patch, interleaved, as a batch of successes and failures has them.
          jobPatch: i % 3 === 0 ? { lastError: `boom ${i}`, failing: true } : { lastRunAt: T0 + i, nextRunAt: T0 + 1000 + i, status: 'ok' as const },
        }));
        // The same run given again in the batch: its first end is the one that counts.
        await store.finishRuns([...ends, { id: id(1), finished: succeeded(T0, { result: 'EXIT' }) }]);

        for (const [i, name] of names.entries()) {
          const run = await store.getRun(id(i));
          if (i === 7) {
            assert.equal(run?.outcome, 'interrupted');
            assert.equal((await store.getJob(name))?.lastRunAt, newJob(name).lastRunAt, 'the interrupted run\'s patch is not applied');
            continue;
          }
          assert.deepEqual(run, { ...newRun(name, T0 + i), id: id(i), ...ends[i]!.finished }, name);
          const job = await store.getJob(name);
          if (i % 3 === 0) assert.deepEqual([job?.lastError, job?.failing, job?.lastRunAt], [`boom ${i}`, true, newJob(name).lastRunAt], name);
          else assert.deepEqual([job?.lastRunAt, job?.nextRunAt, job?.status, job?.lastError], [T0 + i, T0 + 1000 + i, 'ok', newJob(name).lastError], name);
          // Pruned to the newest two, the run just finished among them.
          assert.deepEqual((await store.listRuns({ job: name, limit: 10 })).map((r) => r.id).includes(id(i)), true);
          assert.equal((await store.listRuns({ job: name, limit: 10 })).length, 2, name);
        }
        // Each ended run added to the rollups once: 80 earlier, 39 now (14 of them errors), and the interrupted one once.
        const [hours] = await admin!.query(`SELECT outcome, SUM(runs) AS runs FROM \`${database}\`.quickjobs_run_hours GROUP BY outcome ORDER BY outcome`);
        assert.deepEqual(
          (hours as Array<{ outcome: string; runs: string }>).map((row) => [row.outcome, Number(row.runs)]),
          [['error', 14], ['interrupted', 1], ['success', 80 + 25]],
        );
        const [days] = await admin!.query(`SELECT job, SUM(runs) AS runs, SUM(failures) AS failures FROM \`${database}\`.quickjobs_run_job_days GROUP BY job ORDER BY job`);
        for (const [i, row] of (days as Array<{ job: string; runs: string; failures: string }>).entries()) {
          assert.deepEqual([row.job, Number(row.runs), Number(row.failures)], [names[i], 3, i % 3 === 0 && i !== 7 ? 1 : 0]);
        }
      } finally {
        await store.close();
      }
    });

    it('writes the other ends of a batch when the server refuses one, and names the refused run', async () => {
      const database = await emptiedDatabase();
      const store = await MysqlStore.open({ url: storeUrl(database), runHistory: 10 });
      try {
        for (const name of ['a', 'b', 'c']) await store.createJob(newJob(name), '');
        const [a, b, c] = (await store.startRuns(['a', 'b', 'c'].map((name) => newRun(name)))).map((answer) => (answer as { id: number }).id);
        // Longer than the column allows: strict mode refuses the statement that carries it.
        const refused = { id: b!, finished: succeeded(T0, { outcome: 'cancelled', result: null, error: { message: 'cancelled' }, cancelledBy: 'x'.repeat(100) }) };
        await assert.rejects(
          store.finishRuns([{ id: a!, finished: succeeded(), jobPatch: { lastRunAt: T0 + 1 } }, refused, { id: c!, finished: succeeded() }]),
          (error: Error) => error.message.includes(`run ${b}`) && error.message.includes('1 of 3'),
        );
        assert.equal((await store.getRun(a!))?.outcome, 'success');
        assert.equal((await store.getJob('a'))?.lastRunAt, T0 + 1);
        assert.equal((await store.getRun(c!))?.outcome, 'success');
        assert.equal((await store.getRun(b!))?.outcome, 'running', 'the refused end wrote nothing');
        // Tried again with the rest (as the finish queue does): the others are not written twice.
        await store.finishRuns([{ id: a!, finished: succeeded(T0, { result: 'STOP' }) }, { ...refused, finished: { ...refused.finished, cancelledBy: 'alice' } }]);
        assert.equal((await store.getRun(a!))?.result, 'OK');
        assert.equal((await store.getRun(b!))?.cancelledBy, 'alice');
        const [hours] = await admin!.query(`SELECT SUM(runs) AS runs FROM \`${database}\`.quickjobs_run_hours`);
        assert.equal(Number((hours as Array<{ runs: string }>)[0]!.runs), 3);
      } finally {
        await store.close();
      }
    });

    it('applies repeated patches of one job in order within one update', async () => {
      const database = await emptiedDatabase();
      const store = await MysqlStore.open({ url: storeUrl(database), runHistory: 10 });
      try {
        await store.createJob(newJob('a'), '');
        await store.createJob(newJob('b'), '');
        await store.updateJobs([
          { name: 'a', patch: { nextRunAt: 1 } },
          { name: 'b', patch: { nextRunAt: 2 } },
          { name: 'a', patch: { nextRunAt: 3 } },
          { name: 'a', patch: { status: 'stop', description: 'last' } },
          { name: 'b', patch: {} },
        ]);
        const [a, b] = [await store.getJob('a'), await store.getJob('b')];
        assert.deepEqual([a?.nextRunAt, a?.status, a?.description], [3, 'stop', 'last']);
        assert.equal(b?.nextRunAt, 2);
      } finally {
        await store.close();
      }
    });

    it('sets strict mode, binary collation and READ COMMITTED on every connection', async () => {
      const pool = createStorePool(parseMysqlUrl(MYSQL_URL), 5_000);
      try {
        const [rows] = await pool.query(
          'SELECT @@SESSION.sql_mode AS mode, @@collation_connection AS collation, @@SESSION.tx_isolation AS isolation',
        );
        const [session] = rows as Array<{ mode: string; collation: string; isolation: string }>;
        assert.match(session!.mode, /STRICT_ALL_TABLES/);
        assert.doesNotMatch(session!.mode, /NO_BACKSLASH_ESCAPES/);
        assert.equal(session!.collation, 'utf8mb4_bin');
        assert.equal(session!.isolation, 'READ-COMMITTED');
      } finally {
        await pool.end();
      }
    });

    it('finishes a step that a crash cut short after it added a column', async () => {
      const database = await freshDatabase();
      try {
        await (await MysqlStore.open({ url: storeUrl(database), runHistory: 10 })).close();
        // As if the process died after step 3's ALTER but before it recorded the step.
        await admin!.query(`DELETE FROM \`${database}\`.quickjobs_schema WHERE version = 3`);
        const store = await MysqlStore.open({ url: storeUrl(database), runHistory: 10 });
        await store.createPeriod({ name: 'p', description: '', timezone: null, ranges: [{ days: ['mon'], from: '08:00', to: '09:00' }], exclude: [], owner: 'user', sourceHash: null, createdAt: 1, updatedAt: 1 });
        assert.equal((await store.listPeriods()).length, 1);
        await store.close();
      } finally {
        await dropDatabase(database);
      }
    });

    it('refuses a database written by a newer schema', async () => {
      const database = await freshDatabase();
      try {
        await (await MysqlStore.open({ url: storeUrl(database), runHistory: 10 })).close();
        await admin!.query(
          `INSERT INTO \`${database}\`.quickjobs_schema (version, description, applied_at) VALUES (?, 'future', 0)`,
          [MYSQL_SCHEMA_VERSION + 1],
        );
        await assert.rejects(
          MysqlStore.open({ url: storeUrl(database), runHistory: 10 }),
          (error: unknown) => error instanceof StoreError && /newer than this release/.test(error.message),
        );
      } finally {
        await dropDatabase(database);
      }
    });
  });

  describe('when it cannot get in', () => {
    it('answers a wrong password with a StoreError naming the server but not the password', async () => {
      const url = new URL(MYSQL_URL);
      url.username = 'quickjobs_nobody';
      url.password = 'not-the-password';
      await assert.rejects(MysqlStore.open({ url: url.toString(), runHistory: 10 }), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(error.message, /cannot open the MySQL store at quickjobs_nobody@127\.0\.0\.1:\d+\/test: Access denied/);
        assert.doesNotMatch(error.message, /not-the-password/);
        assert.notEqual(error.cause, undefined);
        return true;
      });
    });

    it('answers an unknown host with a StoreError', async () => {
      await assert.rejects(
        MysqlStore.open({ url: 'mysql://root@no-such-host.invalid:3306/test', runHistory: 10 }),
        (error: unknown) =>
          error instanceof StoreError && /cannot open the MySQL store at root@no-such-host\.invalid:3306\/test/.test(error.message),
      );
    });

    it('answers a missing database with a StoreError', async () => {
      await assert.rejects(
        MysqlStore.open({ url: storeUrl('quickjobs_test_never_created'), runHistory: 10 }),
        (error: unknown) => error instanceof StoreError && /quickjobs_test_never_created/.test(error.message),
      );
    });

    it('refuses a URL that names no database', async () => {
      await assert.rejects(MysqlStore.open({ url: 'mysql://root@127.0.0.1:3306/', runHistory: 10 }), StoreError);
    });

    it('reports where it is in its ping, without the password, and turns calls after close into StoreErrors', async () => {
      const database = await emptiedDatabase();
      const url = new URL(storeUrl(database));
      url.password = '';
      const store = await MysqlStore.open({ url: url.toString(), runHistory: 10 });
      const user = decodeURIComponent(url.username);
      assert.deepEqual(await store.ping(), {
        ok: true,
        kind: 'mysql',
        detail: `${user === '' ? '' : `${user}@`}${url.hostname}:${url.port || 3306}/${database}`,
      });
      await store.close();
      await store.close();
      await assert.rejects(store.listJobs(), (error: unknown) => error instanceof StoreError && error.cause !== undefined);
      assert.equal((await store.ping()).ok, false);
    });
  });
});

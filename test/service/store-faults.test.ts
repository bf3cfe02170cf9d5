/**
 * The service when its store fails under it: MySQL through a proxy the test cuts and freezes, and
 * SQLite on a disk that fills up. The API says 503 store_unavailable instead of hanging or
 * answering 500, /status and /healthz answer at once with the cause, a run that ends while the
 * store is gone is recorded once it is back, and its slot is not run again meanwhile.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import Database from 'better-sqlite3';

import { SqliteStore } from '../../service/store/sqlite-store.js';
import { createTestService, type TestService } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/mysql-database.js';
import { gate, MYSQL_URL, probeMysql } from '../helpers/require-service.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const mysqlSkip = await gate('mysql', probeMysql);

/** Sleeps long enough for the test to take the store away while it runs. */
const SLEEPER = `
  const job = core.job();
  job.run = async () => { await core.sleep(1.5); return job.OK; };
  return job;`;

/** Polls `check` until it holds: for state the service reaches by itself (a health check). */
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

/** The run of `job` in flight right now, from the service's live view. */
async function runIdInFlight(svc: TestService, job: string): Promise<number> {
  let id: number | undefined;
  await until(`${job} is running`, async () => {
    const runs = await svc.service.store.listRuns({ job, limit: 5 });
    id = runs.find((r) => r.outcome === 'running')?.id;
    return id !== undefined;
  });
  return id!;
}

describe('with the MySQL store behind a proxy', { skip: mysqlSkip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let svc: TestService;

  before(async () => {
    database = await createTestDatabase();
    proxy = await startProxy(Number(new URL(MYSQL_URL).port || 3306), new URL(MYSQL_URL).hostname);
    svc = await createTestService({ QUICKJOBS_STORE: database.url(proxy.port) });
    const created = await svc.api('/jobs', { method: 'POST', body: { name: 'sleeper', interval: 2, code: SLEEPER } });
    assert.equal(created.status, 201);
  });

  after(async () => {
    proxy?.restore();
    await svc?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('when frozen, answers /status at once and the API with 503 within the deadline, then records the run that ended meanwhile', async () => {
    const runId = await runIdInFlight(svc, 'sleeper');
    proxy.freeze();

    const status = await timed(svc.api('/status'));
    assert.equal(status.value.status, 200);
    assert.ok(status.ms < 1_000, `/status took ${status.ms} ms`);

    const versions = await timed(svc.api('/jobs/sleeper/versions'));
    assert.equal(versions.value.status, 503);
    assert.equal(versions.value.body.error.code, 'store_unavailable');
    assert.ok(Number(versions.value.headers.get('retry-after')) > 0, 'Retry-After');
    assert.ok(versions.ms < 7_000, `answered within the deadline (${versions.ms} ms)`);

    const frozen = await svc.api('/status');
    assert.equal(frozen.body.store.ok, false);
    assert.match(frozen.body.store.error, /no answer within/);
    assert.ok(frozen.body.store.since);
    const health = await svc.service.app.request('/healthz');
    assert.equal(health.status, 503);

    // The sleeper ended during the freeze; its end waits, and its slot is not run again.
    await until('the run ended and waits for the store', async () => svc.service.scheduler.unrecordedCount > 0);
    assert.equal(svc.service.scheduler.isRunning('sleeper'), true);

    proxy.restore();
    await until('the run is recorded', async () => (await svc.service.store.getRun(runId))?.outcome === 'success');
    await until('/healthz is 200 again', async () => (await svc.service.app.request('/healthz')).status === 200);
    const runs = await svc.service.store.listRuns({ job: 'sleeper', limit: 50 });
    const slots = runs.map((r) => r.scheduledAt);
    assert.equal(new Set(slots).size, slots.length, 'no slot ran twice');
  });

  it('when cut, answers 503 at once and recovers by itself when the server is reachable again', async () => {
    const runId = await runIdInFlight(svc, 'sleeper');
    proxy.cut();
    const versions = await timed(svc.api('/jobs/sleeper/versions'));
    assert.equal(versions.value.status, 503);
    assert.equal(versions.value.body.error.code, 'store_unavailable');
    assert.ok(versions.ms < 7_000, `${versions.ms} ms`);
    await until('the run ended and waits for the store', async () => svc.service.scheduler.unrecordedCount > 0);
    proxy.restore();
    await until('the run is recorded', async () => (await svc.service.store.getRun(runId))?.outcome === 'success');
    const saved = await svc.api('/jobs/sleeper/code', { method: 'PUT', body: { code: SLEEPER } });
    assert.equal(saved.status, 200);
  });
});

/** A small filesystem of its own, so the test can fill it; needs the right to mount (root in CI). */
function mountSmallDisk(): { dir: string; unmount(): void } | null {
  const dir = mkdtempSync(join(tmpdir(), 'qj-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const disk = mountSmallDisk();

describe('with the SQLite store on a disk that fills up', { skip: disk === null ? 'cannot mount a small filesystem here' : false }, () => {
  let svc: TestService;
  const filler = () => join(disk!.dir, 'filler');

  before(async () => {
    mkdirSync(join(disk!.dir, 'data'));
    svc = await createTestService({ QUICKJOBS_DATA_DIR: join(disk!.dir, 'data') });
    assert.equal((await svc.api('/jobs', { method: 'POST', body: { name: 'sleeper', interval: 2, code: SLEEPER } })).status, 201);
  });

  after(async () => {
    await svc?.close();
    disk?.unmount();
  });

  it('answers 503 with the cause, says so on /status and /healthz, and records the run once space is back', async () => {
    const runId = await runIdInFlight(svc, 'sleeper');
    // Empty the WAL first: SQLite writes over a WAL's old frames in place, so a save could fit in
    // the space earlier commits (the migrations) left in it and never meet the full disk.
    const db = new Database(join(disk!.dir, 'data', 'quickjobs.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    // Fill every byte left.
    try {
      writeFileSync(filler(), Buffer.alloc(4 << 20));
    } catch {
      // ENOSPC: the file holds what fitted.
    }
    const big = `// ${'x'.repeat(200_000)}\n${SLEEPER}`;
    const saved = await svc.api('/jobs/sleeper/code', { method: 'PUT', body: { code: big } });
    assert.equal(saved.status, 503);
    assert.equal(saved.body.error.code, 'store_unavailable');
    assert.equal(saved.body.error.reason, 'the disk is full');
    assert.ok(saved.headers.get('retry-after'));
    const status = await svc.api('/status');
    assert.equal(status.body.store.ok, false);
    assert.equal(status.body.store.error, 'the disk is full');
    assert.equal((await svc.service.app.request('/healthz')).status, 503);

    rmSync(filler());
    await until('the run is recorded', async () => (await svc.service.store.getRun(runId))?.outcome === 'success');
    assert.equal((await svc.api('/jobs/sleeper/code', { method: 'PUT', body: { code: big } })).status, 200);
    assert.equal((await svc.api('/status')).body.store.ok, true);
  });
});

const readOnly = mountSmallDisk();

describe('starting on a read-only store', { skip: readOnly === null ? 'cannot mount a small filesystem here' : false }, () => {
  after(() => readOnly?.unmount());

  it('fails with one line naming the cause, and exit code 1', async () => {
    const store = SqliteStore.open({ file: join(readOnly!.dir, 'quickjobs.db'), runHistory: 10 });
    await store.close();
    execFileSync('mount', ['-o', 'remount,ro', readOnly!.dir], { stdio: 'ignore' });
    const started = spawnSync(process.execPath, ['--import', 'tsx', 'service/cli.ts', 'start'], {
      cwd: new URL('../../', import.meta.url),
      env: { ...process.env, QUICKJOBS_DATA_DIR: readOnly!.dir, QUICKJOBS_JOBS_DIR: join(readOnly!.dir, 'jobs'), QUICKJOBS_PORT: '0', QUICKJOBS_ADMIN_PASSWORD: 'x-password-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(started.status, 1);
    const lines = started.stderr.trim().split('\n');
    assert.equal(lines.length, 1, started.stderr);
    assert.match(lines[0]!, /^quickjobs: cannot open the SQLite store at .*read-only/);
  });
});

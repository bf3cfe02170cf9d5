/**
 * Two real node processes whose wall clocks are 4 s apart (one 2 s ahead of the machine, one 2 s
 * behind), on one MariaDB database: jobs move between them as they stop, start and crash, and no
 * slot runs twice, nor do two runs of a 1-second job come less than a second apart. Liveness is
 * judged by the database's clock, so neither is found dead for its clock; and both schedule by
 * the database's clock, so a job moving from the node behind to the node ahead skips no slot (it
 * used to find its next slots 4 s past and its `missed` rule skipped three of them), and runs on
 * either node start on time by the database's clock (here the machine's: the server runs on it).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../../helpers/service.js';

const skip = await gate('mysql', probeMysql);

const JOBS = Array.from({ length: 12 }, (_, i) => `skew-${String(i).padStart(2, '0')}`);
const CODE = 'const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n';
const SKEW_CLOCK = fileURLToPath(new URL('../../helpers/skew-clock.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two nodes with clocks 4 s apart', { skip, timeout: 120_000 }, () => {
  let database: TestDatabase;
  let db: mysql.Connection;
  const nodes = new Map<string, ServiceHandle>();
  const skews: Record<string, number> = { ahead: 2_000, behind: -2_000 };

  const start = (id: string) =>
    startService({
      env: {
        QUICKJOBS_STORE: database.url(),
        QUICKJOBS_NODE_ID: id,
        QUICKJOBS_WORKERS: '2',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${SKEW_CLOCK}`.trim(),
        QUICKJOBS_TEST_CLOCK_SKEW_MS: String(skews[id]),
      },
    });
  const live = async (id: string) =>
    ((await nodes.get(id)!.api('/status')).body.nodes as Array<{ id: string; alive: boolean }>).filter((n) => n.alive).map((n) => n.id).sort();

  before(async () => {
    database = await createTestDatabase();
    db = await mysql.createConnection({ uri: database.url(), supportBigNumbers: true });
    nodes.set('ahead', await start('ahead'));
    nodes.set('behind', await start('behind'));
  });
  after(async () => {
    for (const handle of nodes.values()) {
      await handle.kill();
      await handle.cleanup();
    }
    await db?.end();
    await database?.drop();
  });

  it('runs every slot once, and skips none, while jobs move between them', async () => {
    await waitFor(async () => (await live('behind')).length === 2, 10_000, 'both nodes alive to each other');
    // Each sees the other alive for as long as it runs, whatever its clock says.
    for (const name of JOBS) assert.equal((await nodes.get('ahead')!.api('/jobs', { method: 'POST', body: { name, interval: 1, code: CODE } })).status, 201);
    await sleep(4_000);
    assert.deepEqual(await live('ahead'), ['ahead', 'behind']);
    assert.deepEqual(await live('behind'), ['ahead', 'behind']);
    // Both nodes schedule by the database's clock: their shares start together.
    await waitFor(async () => {
      const [shared] = (await db.query('SELECT DISTINCT node FROM quickjobs_runs ORDER BY node')) as unknown as [Array<{ node: string }>];
      return shared.length === 2;
    }, 8_000, 'runs on both nodes');
    const calmFrom = Date.now() + 1_000;

    // The ahead node leaves (its jobs move to the node behind) and comes back (its share moves
    // back from the node behind to the node ahead); then the behind node crashes.
    assert.equal(await nodes.get('ahead')!.stop(), 0);
    await sleep(3_000);
    await nodes.get('ahead')!.cleanup();
    nodes.set('ahead', await start('ahead'));
    await sleep(4_000);
    const calmTo = Date.now();
    await nodes.get('behind')!.kill();
    const killedAt = Date.now();
    await waitFor(async () => (await live('ahead')).length === 1, 8_000, 'the behind node found dead');
    assert.ok(Date.now() - killedAt <= 5_000, `found dead ${Date.now() - killedAt} ms after the kill`);
    await sleep(3_000);

    const [rows] = (await db.query('SELECT job, scheduled_at, node FROM quickjobs_runs WHERE scheduled_at IS NOT NULL ORDER BY job, scheduled_at')) as unknown as [
      Array<{ job: string; scheduled_at: number; node: string }>,
    ];
    const byJob = new Map<string, number[]>();
    for (const row of rows) byJob.set(row.job, [...(byJob.get(row.job) ?? []), Number(row.scheduled_at)]);
    assert.equal(byJob.size, JOBS.length);
    for (const [job, slots] of byJob) {
      for (let i = 1; i < slots.length; i++) assert.ok(slots[i]! - slots[i - 1]! >= 1_000, `${job}: slots ${slots[i - 1]} and ${slots[i]}`);
    }
    // Both ran jobs after the restart: the share moved back.
    const restartedRuns = rows.filter((row) => row.node === 'ahead').length;
    assert.ok(restartedRuns > 0);

    // Up to the crash every move was graceful (the node stopping tells the others at once; the
    // node starting is given jobs once its scheduler runs), so every slot ran: one second between
    // each two of a job's slots. Scheduled by each node's own clock, a job moving to the node
    // ahead found its slots 4 s past and its `missed` rule skipped three of them.
    const skipped: string[] = [];
    for (const [job, slots] of byJob) {
      const calm = slots.filter((slot) => slot >= calmFrom && slot <= calmTo);
      for (let i = 1; i < calm.length; i++) if (calm[i]! - calm[i - 1]! !== 1_000) skipped.push(`${job}: ${calm[i - 1]} → ${calm[i]}`);
    }
    assert.deepEqual(skipped, [], 'slots skipped while jobs moved between the nodes');
    // And each node started its runs on time by the server's clock (here the machine's).
    const [starts] = (await db.query(
      'SELECT node, started_at - scheduled_at AS late FROM quickjobs_runs WHERE scheduled_at BETWEEN ? AND ? AND started_at IS NOT NULL',
      [calmFrom, calmTo],
    )) as unknown as [Array<{ node: string; late: number }>];
    for (const node of ['ahead', 'behind']) {
      const late = starts.filter((row) => row.node === node).map((row) => Number(row.late)).sort((x, y) => x - y);
      assert.ok(late.length > 0, `runs on ${node}`);
      const median = late[Math.floor(late.length / 2)]!;
      // By its own clock the node ahead would start 2 s early (recorded as 0) and the one behind 2 s late.
      assert.ok(median < 1_000, `${node}: median start ${median} ms after the slot`);
    }
  });
});

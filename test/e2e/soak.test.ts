/**
 * The chaos soak, bounded for CI (see test/helpers/soak.ts; `npm run bench` runs it longer): every
 * run recorded exactly once on both stores, with and without SIGKILL.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { createTestDatabase, type TestDatabase } from '../helpers/mysql-database.js';
import { gate, probeMysql } from '../helpers/require-service.js';
import { soak, type SoakReport } from '../helpers/soak.js';

const mysqlSkip = await gate('mysql', probeMysql);
const DURATION_MS = Number(process.env.QUICKJOBS_SOAK_MS ?? 5_000);

function assertClean(report: SoakReport, killed: boolean): void {
  console.log(`# soak: ${JSON.stringify({ ...report, storeComplaints: report.storeComplaints.length, runErrors: report.runErrors.length })}`);
  assert.equal(report.exitCode, 0, 'a clean stop exits 0');
  assert.equal(report.leftRunning, 0, 'no run left running');
  assert.deepEqual(report.duplicateSlots, [], 'no slot ran twice');
  assert.deepEqual(report.overlaps, [], 'no two runs of one job at once');
  assert.deepEqual(report.apiErrors, [], 'every API write answered');
  assert.deepEqual(report.runErrors, [], 'every job ran as written');
  assert.deepEqual(report.storeComplaints, [], 'the store refused nothing');
  if (!killed) assert.equal(report.interrupted, 0, 'nothing interrupted without a kill');
  // A floor that shows the load ran, not a throughput figure: a restart and a loaded machine both
  // cut the count, and the bench measures the rate.
  assert.ok(report.runs > 20 && report.dataObjects > 0 && report.apiWrites > 10, `the load ran (${report.runs} runs, ${report.apiWrites} API writes)`);
}

describe('the chaos soak on SQLite', () => {
  it('records every run exactly once under mixed load and a clean stop', async () => {
    assertClean(await soak({ durationMs: DURATION_MS, kills: 0, perKind: 3 }), false);
  });

  it('records every run exactly once across SIGKILL and restarts', async () => {
    assertClean(await soak({ durationMs: DURATION_MS, kills: 1, perKind: 3 }), true);
  });
});

describe('the chaos soak on MySQL', { skip: mysqlSkip }, () => {
  const databases: TestDatabase[] = [];
  after(async () => {
    for (const database of databases) await database.drop();
  });

  it('records every run exactly once under mixed load and a clean stop', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    assertClean(await soak({ mysqlUrl: database.url(), durationMs: DURATION_MS, kills: 0, perKind: 3 }), false);
  });

  it('records every run exactly once across SIGKILL and restarts', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    assertClean(await soak({ mysqlUrl: database.url(), durationMs: DURATION_MS, kills: 1, perKind: 3 }), true);
  });
});

/**
 * Slot claims on the real MariaDB: two stores (two connection pools, as two nodes have) race for
 * the same slots, and the database, not timing, lets exactly one of them have each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { JobBusyError, JobNotFoundError, SlotTakenError } from '../../../service/store/errors.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { newJob, succeeded, T0 } from '../store/conformance/context.js';

const skip = await gate('mysql', probeMysql);

/** The outcome of one claim: the id of the run it started, or which refusal. */
async function claimRun(store: MysqlStore, job: string, scheduledAt: number | null, node: string | null): Promise<number | 'taken' | 'busy'> {
  try {
    return await store.startRun({ job, trigger: scheduledAt === null ? 'manual' : 'schedule', scheduledAt, queuedAt: Date.now(), codeVersion: 1, node });
  } catch (error) {
    if (error instanceof SlotTakenError) return 'taken';
    if (error instanceof JobBusyError) return 'busy';
    throw error;
  }
}

/** The outcome of one claim: won, or which refusal. */
async function claim(store: MysqlStore, job: string, scheduledAt: number | null, node: string | null): Promise<'won' | 'taken' | 'busy'> {
  const result = await claimRun(store, job, scheduledAt, node);
  return typeof result === 'number' ? 'won' : result;
}

describe('slot claims in the MySQL store', { skip }, () => {
  let database: TestDatabase;
  let a: MysqlStore;
  let b: MysqlStore;

  before(async () => {
    database = await createTestDatabase();
    a = await MysqlStore.open({ url: database.url(), runHistory: 100_000 });
    b = await MysqlStore.open({ url: database.url(), runHistory: 100_000 });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('gives each of 2,000 slots raced for by two stores to exactly one of them', async () => {
    const jobs = Array.from({ length: 100 }, (_, i) => `raced${i}`);
    for (const job of jobs) await a.createJob(newJob(job, { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    const slots = jobs.flatMap((job) => Array.from({ length: 20 }, (_, i) => ({ job, slot: T0 + i * 1000 })));
    const wins = new Map<string, number>();
    // Each store claims every slot, eight at a time, in opposite orders so they meet head on; a
    // winner ends its run at once, and a claim refused because the job's run is in flight on the
    // other store is tried again until the slot is had by someone.
    // A slot still refused as busy after a minute means a run was left in flight: fail, never spin.
    const deadline = Date.now() + 60_000;
    const race = async (store: MysqlStore, node: string, order: typeof slots) => {
      for (let i = 0; i < order.length; i += 8) {
        await Promise.all(
          order.slice(i, i + 8).map(async ({ job, slot }) => {
            for (;;) {
              const result = await claimRun(store, job, slot, node);
              if (result === 'taken') return;
              if (result === 'busy') {
                assert.ok(Date.now() < deadline, `${job}@${slot} was refused as busy for a minute`);
                await new Promise((resolve) => setImmediate(resolve));
                continue;
              }
              const key = `${job}@${slot}`;
              wins.set(key, (wins.get(key) ?? 0) + 1);
              await store.finishRun(result, succeeded(slot));
              return;
            }
          }),
        );
      }
    };
    await Promise.all([race(a, 'node-a', slots), race(b, 'node-b', [...slots].reverse())]);
    assert.equal(wins.size, slots.length, 'every slot was won');
    assert.deepEqual([...wins.values()].filter((n) => n !== 1), [], 'no slot was won twice');
  });

  it('lets one of two nodes claiming the same slot at once run it, 2,000 times over, and never two runs of one job at once', async () => {
    await a.createJob(newJob('contested', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    let aWon = 0;
    let bWon = 0;
    for (let i = 0; i < 2000; i++) {
      const slot = T0 + i * 1000;
      const [ra, rb] = await Promise.all([claim(a, 'contested', slot, 'node-a'), claim(b, 'contested', slot, 'node-b')]);
      assert.equal([ra, rb].filter((r) => r === 'won').length, 1, `slot ${i}: ${ra} / ${rb}`);
      if (ra === 'won') aWon++;
      else bWon++;
      const [running] = (await a.listRuns({ job: 'contested', limit: 1 })).filter((run) => run.outcome === 'running');
      assert.equal(running?.scheduledAt, slot);
      assert.equal(running?.node, ra === 'won' ? 'node-a' : 'node-b');
      await a.finishRun(running!.id, succeeded(slot));
    }
    assert.equal(aWon + bWon, 2000);
  });

  it('answers each start of two batches racing for the same slots on its own: each slot won once, the rest refused', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `batched${i}`);
    for (const name of names) await a.createJob(newJob(name, { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    const runsAt = (slot: number, node: string) =>
      names.map((job) => ({ job, trigger: 'schedule' as const, scheduledAt: slot, queuedAt: slot, codeVersion: 1, node }));
    for (let round = 0; round < 150; round++) {
      const slot = T0 + round * 1000;
      // Opposite orders, so the two multi-row inserts meet head on.
      const [fromA, fromB] = await Promise.all([a.startRuns(runsAt(slot, 'node-a')), b.startRuns(runsAt(slot, 'node-b').reverse())]);
      const won = [...fromA, ...fromB].filter((answer) => answer.ok);
      assert.equal(won.length, names.length, `round ${round}: one win per job`);
      for (const answer of [...fromA, ...fromB]) if (!answer.ok) assert.ok(answer.error instanceof SlotTakenError || answer.error instanceof JobBusyError, String(answer.error));
      const running = (await a.listRuns({ limit: 100, outcome: 'running' })).filter((run) => names.includes(run.job));
      assert.equal(running.length, names.length);
      const ids = new Set(won.map((answer) => (answer.ok ? answer.id : 0)));
      assert.deepEqual([...ids].sort(), running.map((run) => run.id).sort(), 'the ids answered are the rows written');
      await a.finishRuns(running.map((run) => ({ id: run.id, finished: succeeded(slot) })));
    }
  });

  it('refuses a run of a job that has one in flight on another node, manual or scheduled', async () => {
    await a.createJob(newJob('long', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    assert.equal(await claim(a, 'long', null, 'node-a'), 'won');
    assert.equal(await claim(b, 'long', null, 'node-b'), 'busy');
    assert.equal(await claim(b, 'long', T0, 'node-b'), 'busy');
  });

  it('refuses a slot already run, after its run ended, and a job that is gone', async () => {
    await a.createJob(newJob('done', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    assert.equal(await claim(a, 'done', T0, 'node-a'), 'won');
    const [run] = await a.listRuns({ job: 'done', limit: 1 });
    await a.finishRun(run!.id, succeeded(T0));
    assert.equal(await claim(b, 'done', T0, 'node-b'), 'taken');
    assert.equal(await claim(b, 'done', T0 + 1000, 'node-b'), 'won');
    await assert.rejects(b.startRun({ job: 'gone', trigger: 'schedule', scheduledAt: T0, queuedAt: T0, codeVersion: 1, node: 'node-b' }), JobNotFoundError);
  });
});

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

/** The outcome of one claim: won, or which refusal. */
async function claim(store: MysqlStore, job: string, scheduledAt: number | null, node: string | null): Promise<'won' | 'taken' | 'busy'> {
  try {
    await store.startRun({ job, trigger: scheduledAt === null ? 'manual' : 'schedule', scheduledAt, startedAt: Date.now(), codeVersion: 1, node });
    return 'won';
  } catch (error) {
    if (error instanceof SlotTakenError) return 'taken';
    if (error instanceof JobBusyError) return 'busy';
    throw error;
  }
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
    await a.createJob(newJob('raced', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    const slots = Array.from({ length: 2000 }, (_, i) => T0 + i * 1000);
    const wins = new Map<number, number>();
    // Both stores fire every slot, eight at a time each, in opposite orders so they meet head on.
    const race = async (store: MysqlStore, order: number[]) => {
      for (let i = 0; i < order.length; i += 8) {
        await Promise.all(
          order.slice(i, i + 8).map(async (slot) => {
            if ((await claim(store, 'raced', slot, null)) === 'won') wins.set(slot, (wins.get(slot) ?? 0) + 1);
          }),
        );
      }
    };
    await Promise.all([race(a, slots), race(b, [...slots].reverse())]);
    assert.equal(wins.size, slots.length, 'every slot was won');
    assert.deepEqual([...wins.values()].filter((n) => n !== 1), [], 'no slot was won twice');
  });

  it('lets one of two nodes claiming the same slot at once run it, 500 times over, and never two runs of one job at once', async () => {
    await a.createJob(newJob('contested', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    let aWon = 0;
    let bWon = 0;
    for (let i = 0; i < 500; i++) {
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
    assert.equal(aWon + bWon, 500);
  });

  it('refuses a run of a job that has one in flight on another node, manual or scheduled', async () => {
    await a.createJob(newJob('long', { status: 'ok', runOnce: false, nextRunAt: T0 }), '');
    assert.equal(await claim(a, 'long', null, 'node-a'), 'won');
    assert.equal(await claim(b, 'long', null, 'node-b'), 'busy');
    assert.equal(await claim(b, 'long', T0, 'node-b'), 'busy');
  });

  it('refuses a slot the stored job is not due at (a stale copy on another node), and a job that is gone', async () => {
    await a.createJob(newJob('moved', { status: 'ok', runOnce: false, nextRunAt: T0 + 60_000 }), '');
    assert.equal(await claim(b, 'moved', T0, 'node-b'), 'busy');
    await a.updateJob('moved', { active: false, status: 'exit', nextRunAt: null });
    assert.equal(await claim(b, 'moved', T0 + 60_000, 'node-b'), 'busy');
    await assert.rejects(b.startRun({ job: 'gone', trigger: 'schedule', scheduledAt: T0, startedAt: T0, codeVersion: 1, node: 'node-b' }), JobNotFoundError);
  });
});

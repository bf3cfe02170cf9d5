/**
 * The job service answers with the job as the store wrote it, and tells the scheduler that same
 * job: a change costs one read of the job (to plan it) and one write, never a read back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { checkScript } from '../../../sandbox/check.js';
import { JobService } from '../../../service/job-service/job-service.js';
import { parseJobFields } from '../../../service/jobs/job-input.js';
import type { Job } from '../../../service/jobs/types.js';
import { JobNotFoundError } from '../../../service/store/errors.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import type { Store } from '../../../service/store/store.js';

const CODE = 'const job = core.job();\njob.run = () => job.OK;\nreturn job;';

describe('the job service', () => {
  let dir: string;
  let store: SqliteStore;
  let reads: string[];
  let told: Job[];
  let jobs: JobService;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qj-job-service-'));
    store = SqliteStore.open({ file: join(dir, 'store.db'), runHistory: 10 });
    reads = [];
    told = [];
    // The real store, with its job reads counted.
    const counted = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        if (key === 'getJob' || key === 'listJobs') return (...args: unknown[]) => (reads.push(String(args[0])), value.apply(target, args));
        return value.bind(target);
      },
    }) as Store;
    const scheduler = {
      upsert: (job: Job) => void told.push(job),
      // As the real scheduler, it holds every job it was told of.
      job: (name: string) => told.findLast((job) => job.name === name),
      remove: () => undefined,
      isRunning: () => false,
      runNow: () => Promise.reject(new Error('not in these tests')),
    };
    jobs = new JobService({ store: counted, scheduler, checkScript, timeZone: 'UTC' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fields = (input: Record<string, unknown>) => {
    const parsed = parseJobFields(input, 'create');
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  };

  it('answers a change of settings and code with the job as written, read once to plan it', async () => {
    await jobs.create(fields({ name: 'edited', interval: 60 }), CODE);
    reads.length = 0;
    const answered = await jobs.update('edited', { interval: 120, description: 'every two minutes' }, `${CODE}\n// v2`);
    assert.deepEqual(reads, ['edited']);
    assert.deepEqual(answered, await store.getJob('edited'));
    assert.equal(answered.version, 2);
    assert.equal(answered.interval, 120);
    assert.deepEqual(told.at(-1), answered);
  });

  it('answers a code save with the job as written, reading none', async () => {
    await jobs.create(fields({ name: 'coded', interval: 60 }), CODE);
    reads.length = 0;
    const answered = await jobs.saveCode('coded', `${CODE}\n// v2`, 1);
    assert.deepEqual(reads, []);
    assert.deepEqual(answered, await store.getJob('coded'));
    assert.deepEqual(told.at(-1), answered);
  });

  it('finds no versions and no alerts of a job that does not exist', async () => {
    await assert.rejects(jobs.versions('ghost'), JobNotFoundError);
    await assert.rejects(jobs.alerts('ghost', 10), JobNotFoundError);
    await jobs.create(fields({ name: 'quiet', interval: 60 }), CODE);
    assert.deepEqual(await jobs.alerts('quiet', 10), []);
    assert.equal((await jobs.versions('quiet')).length, 1);
  });
});

/** Jobs: create, read, list, update one or many, delete with everything that belongs to them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { JobStatus } from '../../../../service/jobs/types.js';
import { JobExistsError, JobNotFoundError } from '../../../../service/store/errors.js';
import { newJob, newRun, type StoreContext, succeeded, T0 } from './context.js';

export function describeJobs(context: StoreContext): void {
  describe('jobs', () => {
    it('creates a job at version 1 and reads back every field as it was given', async () => {
      const fields = newJob('alpha');
      const created = await context.store.createJob(fields, 'return 1');
      assert.deepEqual(created, { ...fields, version: 1 });
      assert.deepEqual(await context.store.getJob('alpha'), { ...fields, version: 1 });
    });

    it('keeps null and false fields as null and false', async () => {
      const fields = newJob('plain', {
        interval: null,
        cron: '*/5 * * * *',
        timezone: null,
        runOnce: false,
        active: false,
        notify: null,
        status: 'exit',
        nextRunAt: null,
        lastRunAt: null,
        lastScheduledAt: null,
        lastResult: null,
        lastError: null,
        failing: false,
        owner: 'user',
        sourceHash: null,
      });
      await context.store.createJob(fields, '');
      assert.deepEqual(await context.store.getJob('plain'), { ...fields, version: 1 });
    });

    it('answers null for a job that does not exist', async () => {
      assert.equal(await context.store.getJob('nobody'), null);
    });

    it('refuses a second job of the same name and leaves the first as it was', async () => {
      await context.store.createJob(newJob('twice'), 'first');
      await assert.rejects(
        context.store.createJob(newJob('twice', { description: 'other' }), 'second'),
        (error: unknown) => error instanceof JobExistsError && error.jobName === 'twice',
      );
      assert.equal((await context.store.getJob('twice'))?.description, 'the twice job');
      assert.equal((await context.store.getCode('twice'))?.code, 'first');
    });

    it('lists every job', async () => {
      for (const name of ['c', 'a', 'b']) await context.store.createJob(newJob(name), '');
      const names = (await context.store.listJobs()).map((job) => job.name).sort();
      assert.deepEqual(names, ['a', 'b', 'c']);
    });

    it('lists nothing when there are no jobs', async () => {
      assert.deepEqual(await context.store.listJobs(), []);
    });

    it('changes only the patched fields and answers with the whole updated job', async () => {
      const fields = newJob('patched');
      await context.store.createJob(fields, '');
      const updated = await context.store.updateJob('patched', {
        description: 'new words',
        notify: { email: [], webhook: null },
        nextRunAt: null,
        active: false,
        status: 'exit',
        lastError: undefined,
        params: { retainDays: 7, nested: { at: '{{now+2h}}' } },
      });
      const expected = {
        ...fields,
        version: 1,
        description: 'new words',
        notify: { email: [], webhook: null },
        params: { retainDays: 7, nested: { at: '{{now+2h}}' } },
        nextRunAt: null,
        active: false,
        status: 'exit' as const,
      };
      assert.deepEqual(updated, expected);
      assert.deepEqual(await context.store.getJob('patched'), expected);
    });

    it('accepts an empty patch and answers with the job unchanged', async () => {
      await context.store.createJob(newJob('same'), '');
      assert.deepEqual(await context.store.updateJob('same', {}), { ...newJob('same'), version: 1 });
    });

    it('refuses to update a job that does not exist', async () => {
      await assert.rejects(
        context.store.updateJob('ghost', { description: 'x' }),
        (error: unknown) => error instanceof JobNotFoundError && error.jobName === 'ghost',
      );
      await assert.rejects(context.store.updateJob('ghost', {}), JobNotFoundError);
    });

    it('applies a thousand patches at once and ignores names it does not know', async () => {
      const names = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
      for (const name of names) await context.store.createJob(newJob(name), '');
      await context.store.updateJobs([
        ...names.map((name, i) => ({ name, patch: { nextRunAt: T0 + i, status: 'ok' as const } })),
        { name: 'not-there', patch: { nextRunAt: 1 } },
      ]);
      const jobs = await context.store.listJobs();
      assert.equal(jobs.length, 1000);
      for (const job of jobs) {
        assert.equal(job.nextRunAt, T0 + names.indexOf(job.name));
        assert.equal(job.status, 'ok');
        assert.equal(job.description, `the ${job.name} job`);
      }
      assert.equal(await context.store.getJob('not-there'), null);
    });

    it('applies all the patches or none of them', async () => {
      await context.store.createJob(newJob('first'), '');
      await context.store.createJob(newJob('second'), '');
      // A status of null breaks the job record's rules in every store.
      const broken = { status: null as unknown as JobStatus };
      await assert.rejects(
        context.store.updateJobs([
          { name: 'first', patch: { description: 'changed' } },
          { name: 'second', patch: broken },
        ]),
      );
      assert.equal((await context.store.getJob('first'))?.description, 'the first job');
    });

    it('deletes a job with its code versions, runs and alerts', async () => {
      await context.store.createJob(newJob('doomed'), 'v1');
      await context.store.createJob(newJob('kept'), 'k1');
      await context.store.saveCode('doomed', 'v2');
      const runId = await context.store.startRun(newRun('doomed'));
      await context.store.finishRun(runId, succeeded());
      const keptRun = await context.store.startRun(newRun('kept'));
      await context.store.createAlert({
        job: 'doomed',
        event: 'job.failed',
        channel: 'email',
        target: 'ops@example.com',
        state: 'pending',
        attempts: [],
        createdAt: T0,
        updatedAt: T0,
      });

      assert.equal(await context.store.deleteJob('doomed'), true);

      assert.equal(await context.store.getJob('doomed'), null);
      assert.equal(await context.store.getCode('doomed'), null);
      assert.deepEqual(await context.store.listVersions('doomed'), []);
      assert.equal(await context.store.getRun(runId), null);
      assert.deepEqual(await context.store.listRuns({ job: 'doomed', limit: 10 }), []);
      assert.deepEqual(await context.store.listAlerts('doomed', 10), []);
      assert.equal((await context.store.getRun(keptRun))?.job, 'kept');
    });

    it('answers false when deleting a job that does not exist', async () => {
      assert.equal(await context.store.deleteJob('ghost'), false);
    });

    it('starts a re-created job afresh: version 1 and no old runs', async () => {
      await context.store.createJob(newJob('phoenix'), 'old');
      await context.store.saveCode('phoenix', 'older');
      await context.store.startRun(newRun('phoenix'));
      await context.store.deleteJob('phoenix');

      const again = await context.store.createJob(newJob('phoenix'), 'new');
      assert.equal(again.version, 1);
      assert.deepEqual(
        (await context.store.listVersions('phoenix')).map((v) => v.version),
        [1],
      );
      assert.equal((await context.store.getCode('phoenix'))?.code, 'new');
      assert.deepEqual(await context.store.listRuns({ job: 'phoenix', limit: 10 }), []);
    });
  });
}

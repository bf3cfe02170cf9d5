/** Code versions: every save kept, the job's version in step, stale saves refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { JobNotFoundError, VersionConflictError } from '../../../../service/store/errors.js';
import { newJob, type StoreContext, T0 } from './context.js';

export function describeCode(context: StoreContext): void {
  describe('code versions', () => {
    it('keeps the code a job was created with as version 1', async () => {
      await context.store.createJob(newJob('coded'), 'return job;');
      assert.deepEqual(await context.store.getCode('coded'), {
        job: 'coded',
        version: 1,
        code: 'return job;',
        compiled: null,
        sourceMap: null,
        savedAt: T0,
        by: null,
      });
    });

    it('keeps a TypeScript version whole: the source, the JavaScript that runs and its source map', async () => {
      const first = { code: 'const n: number = 1;', compiled: 'const n = 1;', sourceMap: '{"version":3,"mappings":"AAAA"}' };
      await context.store.createJob(newJob('typed'), first);
      assert.deepEqual(await context.store.getCode('typed'), { job: 'typed', version: 1, ...first, savedAt: T0, by: null });
      const second = { code: 'const m: string = "é";', compiled: 'const m = "é";', sourceMap: '{"version":3,"mappings":"AAAA,CAAC"}' };
      await context.store.saveCode('typed', second, { by: 'token' });
      const newest = await context.store.getCode('typed');
      assert.deepEqual({ code: newest?.code, compiled: newest?.compiled, sourceMap: newest?.sourceMap, by: newest?.by }, { ...second, by: 'token' });
      assert.equal((await context.store.getJob('typed'))?.language, 'typescript');
      await context.store.updateJob('typed', { language: 'javascript' });
      assert.equal((await context.store.getJob('typed'))?.language, 'javascript');
    });

    it('saves each new version, moves the job to it, and keeps every older one', async () => {
      await context.store.createJob(newJob('coded'), 'one');
      const before = Date.now();
      assert.equal((await context.store.saveCode('coded', 'two')).version, 2);
      assert.equal((await context.store.saveCode('coded', 'three')).version, 3);
      const after = Date.now();

      const job = await context.store.getJob('coded');
      assert.equal(job?.version, 3);
      assert.ok(job.updatedAt >= before && job.updatedAt <= after, 'updatedAt is the save time');
      const newest = await context.store.getCode('coded');
      assert.equal(newest?.version, 3);
      assert.equal(newest.code, 'three');
      assert.ok(newest.savedAt >= before && newest.savedAt <= after);
      assert.equal((await context.store.getCode('coded', 1))?.code, 'one');
      assert.equal((await context.store.getCode('coded', 2))?.code, 'two');
    });

    it('lists versions newest first with their size in UTF-8 bytes', async () => {
      await context.store.createJob(newJob('sized'), 'abc');
      await context.store.saveCode('sized', 'é✓');
      const versions = await context.store.listVersions('sized');
      assert.deepEqual(
        versions.map(({ version, bytes }) => ({ version, bytes })),
        [
          { version: 2, bytes: 5 },
          { version: 1, bytes: 3 },
        ],
      );
      assert.equal(versions[1]?.savedAt, T0);
    });

    it('answers null for a version that was never saved', async () => {
      await context.store.createJob(newJob('coded'), 'one');
      assert.equal(await context.store.getCode('coded', 2), null);
      assert.equal(await context.store.getCode('ghost'), null);
      assert.deepEqual(await context.store.listVersions('ghost'), []);
    });

    it('saves when the base version is the newest one', async () => {
      await context.store.createJob(newJob('based'), 'one');
      assert.equal((await context.store.saveCode('based', 'two', { baseVersion: 1 })).version, 2);
    });

    it('refuses a save from a stale base version and saves nothing', async () => {
      await context.store.createJob(newJob('stale'), 'one');
      await context.store.saveCode('stale', 'two');
      await assert.rejects(
        context.store.saveCode('stale', 'lost', { baseVersion: 1 }),
        (error: unknown) =>
          error instanceof VersionConflictError &&
          error.jobName === 'stale' &&
          error.baseVersion === 1 &&
          error.currentVersion === 2,
      );
      assert.equal((await context.store.getJob('stale'))?.version, 2);
      assert.equal((await context.store.getCode('stale'))?.code, 'two');
      assert.equal((await context.store.listVersions('stale')).length, 2);
    });

    it('refuses to save code for a job that does not exist', async () => {
      await assert.rejects(
        context.store.saveCode('ghost', 'x'),
        (error: unknown) => error instanceof JobNotFoundError && error.jobName === 'ghost',
      );
    });

    it('applies a patch given with the save in the same step, and answers with the job as written', async () => {
      await context.store.createJob(newJob('owned'), 'from the folder');
      const written = await context.store.saveCode('owned', 'edited', { patch: { owner: 'user', sourceHash: null, updatedAt: T0 + 99 } });
      const job = await context.store.getJob('owned');
      assert.deepEqual(written, job);
      assert.equal(job?.version, 2);
      assert.equal(job.owner, 'user');
      assert.equal(job.sourceHash, null);
      assert.equal(job.updatedAt, T0 + 99);
    });
  });
}

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { readJobsFolder } from '../../../service/bootstrap/read-folder.js';
import { syncJobsFolder } from '../../../service/bootstrap/sync-folder.js';
import { parseJobFields } from '../../../service/jobs/job-input.js';
import { createLogger } from '../../../service/log.js';
import { jobFrom, MapWriter, recordingLog } from './map-writer.js';
import { script, tempFolder } from './temp-folder.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

function userJob(name: string, interval: number) {
  const parsed = parseJobFields({ name, interval }, 'create');
  assert.ok(parsed.ok);
  return { job: jobFrom(parsed.value, { owner: 'user' }), code: script() };
}

describe('syncJobsFolder', () => {
  let folder: Folder;
  let writer: MapWriter;
  let log: ReturnType<typeof recordingLog>;

  beforeEach(async () => {
    folder = await tempFolder({
      'a.js': `// quickjobs: {"interval": 60}\n${script()}`,
      'b.js': `// quickjobs: {"cron": "*/5 * * * *"}\n${script()}`,
    });
    writer = new MapWriter();
    log = recordingLog();
  });
  afterEach(() => folder.dispose());

  it('creates a folder-owned job for each new file', async () => {
    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result, { created: ['a', 'b'], updated: [], deleted: [], skipped: [] });
    const a = writer.jobs.get('a');
    assert.equal(a?.job.owner, 'folder');
    assert.equal(a?.job.interval, 60);
    assert.match(a?.job.path ?? '', /a\.js$/);
    assert.equal(a?.code, script());
    assert.equal(a?.job.sourceHash, (await readJobsFolder(folder.dir)).jobs[0]?.sourceHash);
  });

  it('does nothing on a second pass over an unchanged folder', async () => {
    await syncJobsFolder(writer, folder.dir, log);
    writer.calls.length = 0;
    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result, { created: [], updated: [], deleted: [], skipped: [] });
    assert.deepEqual(writer.calls, []);
  });

  it('updates settings alone without a new code version, and code with one', async () => {
    await syncJobsFolder(writer, folder.dir, log);
    await folder.write({ 'a.js': `// quickjobs: {"interval": 120}\n${script()}` });
    await folder.write({ 'b.js': `// quickjobs: {"cron": "*/5 * * * *"}\n${script('return job.SLEEP;')}` });
    writer.calls.length = 0;

    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result.updated, ['a', 'b']);
    assert.deepEqual(writer.calls, ['update a settings', 'update b code']);
    assert.equal(writer.jobs.get('a')?.job.interval, 120);
    assert.equal(writer.jobs.get('a')?.job.version, 1);
    assert.equal(writer.jobs.get('b')?.code, script('return job.SLEEP;'));
    assert.equal(writer.jobs.get('b')?.job.version, 2);
  });

  it('deletes folder-owned jobs whose file is gone, never user-owned ones', async () => {
    await syncJobsFolder(writer, folder.dir, log);
    const mine = userJob('mine', 30);
    writer.jobs.set('mine', mine);
    await folder.remove('a.js');

    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result.deleted, ['a']);
    assert.deepEqual([...writer.jobs.keys()].sort(), ['b', 'mine']);
  });

  describe('when a job of the same name was edited through the API', () => {
    it('leaves it alone and warns once per file content', async () => {
      writer.jobs.set('a', userJob('a', 999));
      const first = await syncJobsFolder(writer, folder.dir, log);
      await syncJobsFolder(writer, folder.dir, log);

      assert.deepEqual(first.created, ['b']);
      assert.deepEqual(first.skipped.map((s) => s.name), ['a']);
      assert.equal(writer.jobs.get('a')?.job.interval, 999);
      assert.ok(!writer.calls.some((call) => call.endsWith(' a') || call.includes(' a ')));
      const warnings = log.lines.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]?.message ?? '', /job "a" was edited/);

      await folder.write({ 'a.js': `// quickjobs: {"interval": 61}\n${script()}` });
      await syncJobsFolder(writer, folder.dir, log);
      assert.equal(log.lines.filter((l) => l.level === 'warn').length, 2, 'a new file content is worth a new warning');
    });
  });

  it('keeps a job whose file now has a problem, and reports the problem once', async () => {
    await syncJobsFolder(writer, folder.dir, log);
    await folder.write({ 'a.js': `// quickjobs: {"interval": 60}\nlet x = ;\n` });
    const result = await syncJobsFolder(writer, folder.dir, log);
    await syncJobsFolder(writer, folder.dir, log);

    assert.deepEqual(result.deleted, []);
    assert.deepEqual(result.skipped.map((s) => s.name), ['a']);
    assert.match(result.skipped[0]?.reason ?? '', /syntax error/);
    assert.equal(writer.jobs.get('a')?.code, script(), 'the last good code stays');
    assert.equal(log.lines.filter((l) => l.level === 'warn').length, 1);
  });

  it('deletes nothing when the folder could not be read as a whole', async () => {
    await syncJobsFolder(writer, folder.dir, log);
    await folder.write({ 'jobs.json': '{ broken' });
    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result.deleted, []);
    assert.deepEqual([...writer.jobs.keys()].sort(), ['a', 'b']);
  });

  it('goes on with the other jobs when the store refuses one', async () => {
    writer.refuse.add('a');
    const result = await syncJobsFolder(writer, folder.dir, log);
    assert.deepEqual(result.created, ['b']);
    assert.equal(result.skipped[0]?.name, 'a');
    assert.equal(log.lines.filter((l) => l.level === 'error').length, 1);
  });

  it('accepts what readJobsFolder already read, and pino as its log', async () => {
    const contents = await readJobsFolder(folder.dir);
    const result = await syncJobsFolder(writer, contents, createLogger({ level: 'silent' }));
    assert.deepEqual(result.created, ['a', 'b']);
  });
});

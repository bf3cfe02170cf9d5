import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { checkScript } from '../../../sandbox/check.js';
import { exportJobs } from '../../../service/bootstrap/export-jobs.js';
import { readJobsFolder } from '../../../service/bootstrap/read-folder.js';
import { parseJobFields, type JobFieldsInput } from '../../../service/jobs/job-input.js';
import { jobFrom } from './map-writer.js';
import { script, tempFolder } from './temp-folder.js';

let dispose: () => Promise<void> = async () => {};
afterEach(() => dispose());

function fields(input: Record<string, unknown>): JobFieldsInput {
  const parsed = parseJobFields(input, 'create');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return parsed.value;
}

describe('exportJobs', () => {
  it('writes files that read back as the same settings and code', async () => {
    const folder = await tempFolder();
    dispose = folder.dispose;
    const jobs = [
      { job: jobFrom(fields({ name: 'plain', interval: 60 })), code: script() },
      {
        job: jobFrom(
          fields({
            name: 'every-thing',
            cron: '0 7 * * 1-5',
            timezone: 'Europe/Berlin',
            description: 'says "hi"\nover two lines \u2028 with a line separator',
            runOnce: true,
            active: false,
            timeout: 120,
            missed: 'skip',
            onError: 'continue',
            notify: { email: ['ops@example.com'], webhook: 'https://hooks.example.com/q' },
            params: { url: 'https://x.example/{{date-1d:YYYY-MM-DD}}', key: { $secret: 'api-key' }, note: 'two\nlines \u2029', list: [1, null] },
          }),
          { status: 'exit', lastError: 'boom', owner: 'user' },
        ),
        code: '// a comment first\r\nconst job = core.job();\r\njob.run = () => job.OK;\r\nreturn job;',
      },
      { job: jobFrom(fields({ name: 'typed', interval: 60, language: 'typescript' })), code: 'const job = core.job();\nconst n: number = 1;\njob.run = () => job.OK;\nreturn job;\n' },
    ];

    const written = await exportJobs(jobs, folder.dir);
    assert.deepEqual(written, [join(folder.dir, 'plain.js'), join(folder.dir, 'every-thing.js'), join(folder.dir, 'typed.ts')]);

    const { jobs: read, problems } = await readJobsFolder(folder.dir);
    assert.deepEqual(problems, []);
    for (const { job, code } of jobs) {
      const back = read.find((j) => j.name === job.name);
      assert.ok(back, `${job.name} reads back`);
      assert.equal(back.code, code);
      const { name: _n, ...settings } = back.fields;
      for (const [key, value] of Object.entries(settings)) {
        assert.deepEqual(value, job[key as keyof typeof job], `${job.name}.${key}`);
      }
    }
  });

  it('writes only the schedule and what differs from the defaults, as a valid script', async () => {
    const folder = await tempFolder();
    dispose = folder.dispose;
    const [path] = await exportJobs([{ job: jobFrom(fields({ name: 'short', interval: 300, runOnce: true })), code: script() }], folder.dir);
    const text = await readFile(path!, 'utf8');
    assert.equal(text.split('\n')[0], '// quickjobs: {"interval":300,"runOnce":true}');
    assert.deepEqual(await checkScript(text), { ok: true });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { readFile } from 'node:fs/promises';

import { readJobsFolder } from '../../../service/bootstrap/read-folder.js';
import { typeCheck } from '../../../service/cli/type-check.js';

describe('the jobs that ship in jobs/', () => {
  it('load without problems: a Run Once hello job and an inactive example of each return', async () => {
    const { jobs, problems } = await readJobsFolder('jobs');
    const mine = ['run-once-hello', 'returns-ok', 'returns-sleep', 'returns-stop', 'returns-exit'];
    assert.deepEqual(problems.filter((p) => p.name !== undefined && mine.includes(p.name)), []);
    const byName = new Map(jobs.map((job) => [job.name, job]));

    const hello = byName.get('run-once-hello');
    assert.equal(hello?.fields.runOnce, true);
    assert.equal(hello?.fields.active, true);
    for (const [name, result] of [
      ['returns-ok', 'job.OK'],
      ['returns-sleep', 'job.SLEEP'],
      ['returns-stop', 'job.STOP'],
      ['returns-exit', 'job.EXIT'],
    ] as const) {
      const example = byName.get(name);
      assert.equal(example?.fields.active, false, `${name} ships inactive`);
      assert.ok(example?.code.includes(`return ${result};`), `${name} shows ${result}`);
    }
  });

  it('include a TypeScript example that loads as TypeScript and passes the strict type check', async () => {
    const { jobs, problems } = await readJobsFolder('jobs');
    assert.deepEqual(problems.filter((p) => p.name === 'low-stock-report'), []);
    const example = jobs.find((job) => job.name === 'low-stock-report');
    assert.equal(example?.fields.language, 'typescript');
    assert.equal(example?.fields.active, false, 'it ships inactive');
    assert.deepEqual(await typeCheck(await readFile('jobs/low-stock-report.ts', 'utf8'), 'typescript'), []);
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import { readJobsFolder } from '../../../service/bootstrap/read-folder.js';
import { sourceHash } from '../../../service/bootstrap/source-hash.js';
import { script, tempFolder } from './temp-folder.js';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of cleanup) await dispose();
  cleanup = [];
});

async function folder(files: Record<string, string>) {
  const made = await tempFolder(files);
  cleanup.push(made.dispose);
  return made;
}

describe('readJobsFolder', () => {
  it('makes each top-level script a job named after its file, with the settings of its first line', async () => {
    const { dir } = await folder({
      'backup.js': `// quickjobs: {"interval": 3600, "runOnce": true, "description": "nightly"}\n${script()}`,
      'report.js': `// quickjobs: {"cron": "0 7 * * 1-5", "timezone": "Europe/Berlin"}\r\n${script()}`,
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(jobs.map((j) => j.name), ['backup', 'report']);

    const [backup, report] = jobs;
    assert.equal(backup?.file, 'backup.js');
    assert.equal(backup?.path, join(dir, 'backup.js'));
    assert.equal(backup?.code, script(), 'the settings line is not part of the code');
    assert.equal(backup?.fields.interval, 3600);
    assert.equal(backup?.fields.runOnce, true);
    assert.equal(backup?.fields.description, 'nightly');
    assert.equal(backup?.fields.timeout, 30, 'defaults are filled');
    assert.equal(report?.fields.cron, '0 7 * * 1-5');
    assert.equal(report?.fields.interval, null);
    assert.equal(report?.fields.timezone, 'Europe/Berlin');
  });

  it('ignores sub-folders, other files and hidden files', async () => {
    const { dir } = await folder({
      'a.js': `// quickjobs: {"interval": 60}\n${script()}`,
      'notes.txt': 'not a job',
      '.#a.js': 'an editor lock file',
      'lib/helper.js': `// quickjobs: {"interval": 60}\n${script()}`,
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(jobs.map((j) => j.name), ['a']);
    assert.deepEqual(problems, []);
  });

  it('lets jobs.json define jobs for the files it names, over their own settings line', async () => {
    const { dir } = await folder({
      'jobs.json': JSON.stringify([
        { name: 'hourly-sync', file: 'sync.js', interval: 3600 },
        { name: 'daily-sync', file: 'sync.js', cron: '0 3 * * *', onError: 'continue' },
        { name: 'deep', file: 'lib/deep.js', interval: 5 },
      ]),
      'sync.js': `// quickjobs: {"interval": 10}\n${script()}`,
      'lib/deep.js': script(),
      'plain.js': `// quickjobs: {"interval": 10}\n${script()}`,
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(jobs.map((j) => j.name), ['daily-sync', 'deep', 'hourly-sync', 'plain']);
    const hourly = jobs.find((j) => j.name === 'hourly-sync');
    assert.equal(hourly?.fields.interval, 3600);
    assert.equal(hourly?.code, script());
    assert.equal(jobs.find((j) => j.name === 'daily-sync')?.fields.onError, 'continue');
    assert.equal(jobs.find((j) => j.name === 'deep')?.path, join(dir, 'lib', 'deep.js'));
  });

  it('reads params from the settings line and from jobs.json, and reports bad ones by field', async () => {
    const { dir } = await folder({
      'jobs.json': JSON.stringify([
        { name: 'check-a', file: 'check.js', interval: 60, params: { url: 'https://a.example' } },
        { name: 'check-b', file: 'check.js', interval: 60, params: { url: 'https://b.example', key: { $secret: 'api-key' } } },
      ]),
      'check.js': script(),
      'report.js': `// quickjobs: {"interval": 3600, "params": {"day": "{{date-1d:YYYY-MM-DD}}"}}\n${script()}`,
      'bad.js': `// quickjobs: {"interval": 3600, "params": {"day": "{{yesterday}}"}}\n${script()}`,
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(
      jobs.map((j) => [j.name, j.fields.params]),
      [
        ['check-a', { url: 'https://a.example' }],
        ['check-b', { url: 'https://b.example', key: { $secret: 'api-key' } }],
        ['report', { day: '{{date-1d:YYYY-MM-DD}}' }],
      ],
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^params\.day: .*unknown placeholder \{\{yesterday\}\}/);
  });

  it('reports each bad file by file and name, and still loads the good ones', async () => {
    const { dir } = await folder({
      'good.js': `// quickjobs: {"interval": 60}\n${script()}`,
      'bad-json.js': `// quickjobs: {"interval": 60,}\n${script()}`,
      'bad-field.js': `// quickjobs: {"interval": 0}\n${script()}`,
      'unknown-field.js': `// quickjobs: {"interval": 60, "colour": "red"}\n${script()}`,
      'named.js': `// quickjobs: {"interval": 60, "name": "other"}\n${script()}`,
      'no-settings.js': script(),
      'broken.js': `// quickjobs: {"interval": 60}\nconst job = core.job();\nlet x = ;\nreturn job;\n`,
      '9lives.js': `// quickjobs: {"interval": 60}\n${script()}`,
      'dup.js': `// quickjobs: {"interval": 60}\n${script()}`,
      'jobs.json': JSON.stringify([
        { name: 'dup', file: 'good-too.js', interval: 5 },
        { name: 'ghost', file: 'missing.js', interval: 5 },
        { name: 'escape', file: '../outside.js', interval: 5 },
      ]),
      'good-too.js': script(),
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(jobs.map((j) => j.name), ['dup', 'good']);
    assert.equal(jobs.find((j) => j.name === 'dup')?.file, 'good-too.js', 'jobs.json wins the name');

    const byFile = new Map(problems.map((p) => [p.file, p]));
    const expect = (file: string, name: string, pattern: RegExp) => {
      const problem = byFile.get(file);
      assert.ok(problem, `${file} is reported`);
      assert.equal(problem.name, name, `${file} names its job`);
      assert.match(problem.message, pattern, `${file}: ${problem.message}`);
    };
    expect('bad-json.js', 'bad-json', /not valid JSON/);
    expect('bad-field.js', 'bad-field', /^interval: /);
    expect('unknown-field.js', 'unknown-field', /colour/);
    expect('named.js', 'named', /"name" is not a setting/);
    expect('no-settings.js', 'no-settings', /no settings line/);
    // The error is on the second line of the code, the third of the file.
    expect('broken.js', 'broken', /syntax error \(line 3\b/);
    expect('9lives.js', '9lives', /not a job name/);
    expect('dup.js', 'dup', /already defines job "dup"/);
    expect('missing.js', 'ghost', /not in the jobs folder/);
    expect('jobs.json', 'escape', /inside the jobs folder/);
    assert.equal(problems.length, 10);
  });

  it('reports an unusable jobs.json with no job name and loads no file', async () => {
    const { dir } = await folder({ 'jobs.json': '[{"name": ', 'a.js': `// quickjobs: {"interval": 60}\n${script()}` });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(jobs, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, 'jobs.json');
    assert.equal(problems[0]?.name, undefined);
  });

  it('reports a missing folder as a problem with no job name', async () => {
    const { problems, jobs } = await readJobsFolder(join(await (await folder({})).dir, 'nope'));
    assert.deepEqual(jobs, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.name, undefined);
  });

  it('makes a .ts file a TypeScript job, ignores typings, and reports a syntax error at its TypeScript line', async () => {
    const { dir } = await folder({
      'typed.ts': `// quickjobs: {"interval": 60}\ninterface A { a: number }\nconst a: A = { a: 1 };\n${script()}`,
      'core-api.d.ts': 'declare const x: number;\n',
      'broken.ts': '// quickjobs: {"interval": 60}\nconst job = core.job();\ninterface A { a: number }\nconst a: A = { a: 1 ;\nreturn job;\n',
      'contradicts.ts': `// quickjobs: {"interval": 60, "language": "javascript"}\n${script()}`,
    });
    const { jobs, problems } = await readJobsFolder(dir);
    assert.deepEqual(jobs.map((job) => [job.name, job.fields.language]), [['typed', 'typescript']]);
    const byFile = Object.fromEntries(problems.map((problem) => [problem.file, problem.message]));
    assert.deepEqual(Object.keys(byFile).sort(), ['broken.ts', 'contradicts.ts']);
    assert.match(byFile['broken.ts']!, /^syntax error \(line 4, column 21\)/);
    assert.match(byFile['contradicts.ts']!, /a \.ts file is typescript/);
  });

  it('fingerprints a JavaScript file as before jobs had a language, so an upgrade rewrites no folder job', async () => {
    const { dir } = await folder({ 'a.js': `// quickjobs: {"interval": 60}\n${script()}` });
    const [job] = (await readJobsFolder(dir)).jobs;
    const { language, ...before } = job!.fields;
    assert.equal(language, 'javascript');
    assert.equal(job!.sourceHash, sourceHash(before as typeof job.fields, job!.code));
    assert.notEqual(sourceHash({ ...job!.fields, language: 'typescript' }, job!.code), job!.sourceHash);
  });

  it('fingerprints settings and code, not how the settings line is written', async () => {
    const { dir, write } = await folder({ 'a.js': `// quickjobs: {"interval": 60, "active": true}\n${script()}` });
    const first = (await readJobsFolder(dir)).jobs[0]?.sourceHash;
    await write({ 'a.js': `//quickjobs:{ "active":true,   "interval":60 }\n${script()}` });
    assert.equal((await readJobsFolder(dir)).jobs[0]?.sourceHash, first);
    await write({ 'a.js': `// quickjobs: {"interval": 61}\n${script()}` });
    assert.notEqual((await readJobsFolder(dir)).jobs[0]?.sourceHash, first);
    await write({ 'a.js': `// quickjobs: {"interval": 60}\n${script('return job.STOP;')}` });
    assert.notEqual((await readJobsFolder(dir)).jobs[0]?.sourceHash, first);
  });
});

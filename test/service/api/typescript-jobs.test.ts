/**
 * TypeScript jobs (SPEC §11) through the whole service: created by API and by a `.ts` file in the
 * jobs folder, stripped on save with both sources kept, syntax errors at TypeScript positions,
 * and a run's error and stack frames reported at TypeScript lines.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createTestService, type TestService } from '../../helpers/app.js';

let t: TestService;

before(async () => {
  t = await createTestService();
});

after(async () => {
  await t.close();
});

/**
 * Types, an interface and an enum before the throw: esbuild drops or rewrites these lines, so the
 * JavaScript line of the throw is not its TypeScript line (8 here).
 */
const THROWING = `interface Stock {
  sku: string;
  count: number;
}
enum Level { Low, High }
const job = core.job();
job.run = async function (): Promise<QuickJobs.JobResult> {
  const stock: Stock = { sku: 'a', count: 1 }; core.log(new Error('where').stack ?? ''); throw new Error('no stock for ' + stock.sku + Level.High);
};
return job;
`;

describe('a TypeScript job created through the API', () => {
  it('keeps the TypeScript as its code and the JavaScript it runs beside it', async () => {
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'typed', interval: 3600, language: 'typescript', active: false, code: THROWING } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.language, 'typescript');
    assert.equal(created.body.path, 'typed.ts');
    const code = await t.api('/jobs/typed/code');
    assert.equal(code.body.code, THROWING);
    assert.equal(code.body.language, 'typescript');
    assert.doesNotMatch(code.body.compiled, /interface|: Stock|Promise</);
    assert.match(code.body.compiled, /throw new Error/);
  });

  it('reports a run error and the stack it logged at TypeScript lines', async () => {
    const run = await t.api('/jobs/typed/run', { method: 'POST', body: {} });
    assert.equal(run.body.outcome, 'error');
    assert.match(run.body.error.message, /no stock for a1/);
    assert.equal(run.body.error.line, 8);
    assert.equal(typeof run.body.error.column, 'number');
    const logged = run.body.logs.map((entry: { message: string }) => entry.message).join('\n');
    assert.match(logged, /job\.ts:8:/);
    assert.doesNotMatch(logged, /job\.js:/);
  });

  it('runs a TypeScript draft and maps its error too', async () => {
    const draft = `const job = core.job();\ntype N = number;\n\n\njob.run = async (): Promise<QuickJobs.JobResult> => { const n: N = 1; throw new Error('draft ' + n); };\nreturn job;`;
    const run = await t.api('/jobs/typed/run', { method: 'POST', body: { code: draft } });
    assert.equal(run.body.outcome, 'error');
    assert.equal(run.body.error.line, 5);
  });

  it('maps lines past the helpers esbuild adds above the script (decorators)', async () => {
    const decorated = `function logged(value: unknown, _context: unknown) {\n  return value;\n}\nclass Stock {\n  @logged count(): number {\n    throw new Error('decorated');\n  }\n}\nconst job = core.job();\njob.run = async () => { new Stock().count(); return job.OK; };\nreturn job;\n`;
    const saved = await t.api('/jobs', { method: 'POST', body: { name: 'decorated', interval: 3600, language: 'typescript', active: false, code: decorated } });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    assert.match((await t.api('/jobs/decorated/code')).body.compiled, /^var __/, 'the helpers lead the script');
    const run = await t.api('/jobs/decorated/run', { method: 'POST', body: {} });
    assert.equal(run.body.outcome, 'error');
    assert.match(run.body.error.message, /decorated/);
    assert.equal(run.body.error.line, 6);
  });

  it('refuses TypeScript that does not parse with 422 at its TypeScript line and column, and saves nothing', async () => {
    const before = (await t.api('/jobs/typed')).body.version;
    const broken = 'const job = core.job();\ninterface A { a: number }\nconst a: A = { a: 1 ;\nreturn job;';
    const res = await t.api('/jobs/typed/code', { method: 'PUT', body: { code: broken } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'syntax_error');
    assert.equal(res.body.error.line, 3);
    assert.equal(res.body.error.column, 21, 'the ";" where "}" belongs');
    assert.equal((await t.api('/jobs/typed')).body.version, before);
  });

  it('refuses an unknown language naming the field', async () => {
    const res = await t.api('/jobs', { method: 'POST', body: { name: 'cobol', interval: 60, language: 'cobol' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.field, 'language');
  });

  it('re-saves the code when the language changes, and refuses TypeScript that is no JavaScript', async () => {
    const res = await t.api('/jobs/typed', { method: 'PUT', body: { language: 'javascript' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'syntax_error');
    const plain = await t.api('/jobs', { method: 'POST', body: { name: 'plain', interval: 60, active: false, code: 'const job = core.job();\njob.run = () => job.OK;\nreturn job;' } });
    assert.equal(plain.body.language, 'javascript');
    const switched = await t.api('/jobs/plain', { method: 'PUT', body: { language: 'typescript' } });
    assert.equal(switched.status, 200);
    assert.equal(switched.body.language, 'typescript');
    assert.equal(switched.body.version, 2);
    assert.equal((await t.api('/jobs/plain/code')).body.language, 'typescript');
  });
});

describe('a .ts file in the jobs folder', () => {
  it('becomes a TypeScript job that reports TypeScript lines (the settings line counted)', async () => {
    await writeFile(join(t.jobsDir, 'folder-typed.ts'), `// quickjobs: {"interval": 3600, "active": false}\n${THROWING}`);
    const reload = await t.api('/reload', { method: 'POST' });
    assert.equal(reload.status, 200);
    const job = await t.api('/jobs/folder-typed');
    assert.equal(job.body.language, 'typescript');
    const run = await t.api('/jobs/folder-typed/run', { method: 'POST', body: {} });
    assert.equal(run.body.outcome, 'error');
    // Line 8 of the code is line 9 of the file; the job's code is what follows the settings line.
    assert.equal(run.body.error.line, 8);
  });
});

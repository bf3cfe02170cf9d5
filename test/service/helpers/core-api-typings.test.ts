/**
 * sandbox/core-api.d.ts is what the editor checks job code against (checkJs, ES2022, no DOM, the
 * script-body diagnostics ignored, as webmin's Monaco setup does). The shipped examples must come
 * out clean, and the mistakes the typings exist to catch must be marked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import ts from 'typescript';

const CORE_API = fileURLToPath(new URL('../../../sandbox/core-api.d.ts', import.meta.url));
/** Top-level return and await in a script: legal in a job, which is the body of an async function. */
const SCRIPT_BODY_DIAGNOSTICS = new Set([1108, 1375, 1378, 1431, 1432]);
const OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
};

const baseHost = ts.createCompilerHost(OPTIONS);
const cache = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

/** The diagnostics the editor would show for `code`, as "code: message" lines. */
function check(code: string): string[] {
  const file = '/virtual/job.js';
  const host: ts.CompilerHost = {
    ...baseHost,
    getSourceFile(name, language) {
      if (name === file) return ts.createSourceFile(file, code, language, true, ts.ScriptKind.JS);
      if (!cache.has(name)) cache.set(name, baseHost.getSourceFile(name, language));
      return cache.get(name);
    },
    fileExists: (name) => name === file || baseHost.fileExists(name),
  };
  const program = ts.createProgram({ rootNames: [CORE_API, file], options: OPTIONS, host, oldProgram: previous });
  previous = program;
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !SCRIPT_BODY_DIAGNOSTICS.has(d.code))
    .map((d) => `${d.file?.fileName ?? ''} ${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the core API typings as the editor uses them', () => {
  it('leave the example jobs without marks', () => {
    for (const name of ['stock-check.js', 'sunday-sleep.js', 'january-report.js', 'exit-on-query-error.js', 'fetch-config-once.js']) {
      const code = readFileSync(new URL(`../../../jobs/${name}`, import.meta.url), 'utf8');
      assert.deepEqual(check(code), [], name);
    }
  });

  it('accept the job template, console and every helper', () => {
    const code = `
      const job = core.job();
      job.run = async function () {
        console.log(job.name, job.trigger, job.lastRunAt, job.day(true), job.weekNum(), core.uuid());
        const [rows, err, code] = await core.mysql.select('db', { tbl: 't', where: { a: [1, 2], b: null }, orderby: 'a DESC', limit: [0, 5] });
        if (err) { core.log.error(code, err); return job.EXIT; }
        const [n] = await core.mysql.query('db', 'UPDATE t SET a = ? WHERE id IN (?)', [1, [2, 3]]);
        const [res] = await core.network.request('https://example.com', { method: 'PUT', body: 'x', timeout: 2 });
        const [info] = await core.email.new().to('a@example.com').cc(['b@example.com']).body('x').send();
        const src = core.data('users');
        const [page] = await src.getPage(1, 10, { name: 'desc' }, { active: true });
        await src.delete(page[0]);
        await core.sleep(0.1);
        return rows.length && n && res.status && info.messageId ? job.OK : job.SLEEP;
      };
      return job;`;
    assert.deepEqual(check(code), []);
  });

  it('mark a misspelt helper, a wrong return and a wrong argument', () => {
    const misspelt = check(`core.mysql.selectt('db', { tbl: 't' });`);
    assert.match(misspelt.join('\n'), /Property 'selectt' does not exist.*Did you mean 'select'/);
    const wrongReturn = check(`const job = core.job(); job.run = () => 'DONE'; return job;`);
    assert.match(wrongReturn.join('\n'), /not assignable to type 'JobResult/);
    const wrongArgument = check(`core.mysql.insert('db', { tbl: 't' });`);
    assert.match(wrongArgument.join('\n'), /Property 'values' is missing/);
    const noWindow = check(`window.alert('x');`);
    assert.match(noWindow.join('\n'), /Cannot find name 'window'/);
  });
});

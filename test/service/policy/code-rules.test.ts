/**
 * QUICKJOBS_CODE_RULES: code that matches a rule is neither saved nor run, with 422 `policy`
 * naming the rule and the line; every refusal is logged and counted in /metrics.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import pino from 'pino';

import { readConfig } from '../../../service/main.js';
import { TEST_TOKEN, createTestService, type TestService } from '../../helpers/app.js';

const rulesDir = mkdtempSync(join(tmpdir(), 'quickjobs-rules-'));
const RULES = join(rulesDir, 'rules.json');
writeFileSync(RULES, JSON.stringify({ 'no-eval': '\\beval\\s*\\(', 'no-prod-db': '/core\\.mysql\\.\\w+\\(\\s*[\'"]prod/i' }));

const job = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;

describe('code rules', () => {
  let t: TestService;
  const logged: Array<Record<string, unknown>> = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestService({ QUICKJOBS_CODE_RULES: RULES }, undefined, { log: pino({ level: 'warn' }, sink) });
    assert.equal((await t.api('/jobs', { method: 'POST', body: { name: 'clean', interval: 3600 } })).status, 201);
  });
  after(() => t?.close());

  it('refuses to save code that breaks a rule, naming the rule and the line, and saves nothing', async () => {
    const code = job(`  const x = 1;\n  return eval('job.OK');`);
    const answer = await t.api('/jobs/clean/code', { method: 'PUT', body: { code } });
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error.code, 'policy');
    assert.equal(answer.body.error.rule, 'no-eval');
    assert.equal(answer.body.error.line, 4);
    assert.equal((await t.api('/jobs/clean/code')).body.version, 1);
  });

  it('refuses to create a job with such code', async () => {
    const answer = await t.api('/jobs', { method: 'POST', body: { name: 'bad', interval: 60, code: job(`await core.mysql.query("PROD_main", 'SELECT 1'); return job.OK;`) } });
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error.rule, 'no-prod-db');
    assert.equal((await t.api('/jobs/bad')).status, 404);
  });

  it('refuses to run a draft that breaks a rule, safe or live', async () => {
    for (const mode of ['safe', 'live']) {
      const answer = await t.api('/jobs/clean/run', { method: 'POST', body: { code: job('return eval("job.OK");'), mode } });
      assert.equal(answer.status, 422, mode);
      assert.equal(answer.body.error.code, 'policy');
      assert.equal(answer.body.error.line, 3);
    }
  });

  it('lets code that breaks no rule through', async () => {
    const answer = await t.api('/jobs/clean/run', { method: 'POST', body: { code: job('core.log("evaluate"); return job.OK;') } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  it('logs every refusal and counts it by rule in /metrics', async () => {
    const refusals = logged.filter((line) => line.msg === 'code refused by QUICKJOBS_CODE_RULES');
    assert.equal(refusals.length, 4);
    assert.deepEqual(refusals.map((line) => line.rule).sort(), ['no-eval', 'no-eval', 'no-eval', 'no-prod-db']);
    const metrics = await (await t.service.app.request('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    assert.match(metrics, /quickjobs_policy_refusals_total\{rule="no-eval"\} 3/);
    assert.match(metrics, /quickjobs_policy_refusals_total\{rule="no-prod-db"\} 1/);
  });

  it('stops the start on a rules file that is not JSON or has a bad expression, naming the setting', () => {
    const bad = join(rulesDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ broken: '(' }));
    assert.throws(() => readConfig({ QUICKJOBS_CODE_RULES: bad }), /QUICKJOBS_CODE_RULES.*rule "broken" is not a valid regular expression/);
    writeFileSync(bad, '{nope');
    assert.throws(() => readConfig({ QUICKJOBS_CODE_RULES: bad }), /QUICKJOBS_CODE_RULES.*not JSON/);
    assert.throws(() => readConfig({ QUICKJOBS_CODE_RULES: join(rulesDir, 'missing.json') }), /QUICKJOBS_CODE_RULES.*cannot read/);
  });
});

/**
 * Job parameters end to end on the SQLite store, through the API and real QuickJS runs: one code
 * for many jobs, bad params refused naming the field, a manual run's params for that run only, a
 * secret param masked in everything the run records and streams, and a rerun with the params and
 * code version of the run it repeats. Both stores keep params alike: the store conformance suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestService, TEST_TOKEN, type TestService } from '../../helpers/app.js';
import { startGate, type Gate } from '../../helpers/gate.js';

const SECRET = 'sk_param_7Hq2vXm9Lp';
const FORMS = [SECRET, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex')];
const assertNoSecret = (text: string, where: string) => {
  for (const form of FORMS) assert.ok(!text.includes(form), `${where} holds the secret as ${form}: ${text.slice(0, 400)}`);
};
const job = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;
/** One script for many jobs: it logs its params and returns OK. */
const ECHO = job(`core.log(JSON.stringify(job.params));\nreturn job.OK;`);

describe('job parameters', () => {
  let t: TestService;
  let gate: Gate;

  before(async () => {
    gate = await startGate();
    t = await createTestService({ QUICKJOBS_NETWORK_ALLOW: '127.0.0.1', TZ: 'UTC' });
    assert.equal((await t.api('/secrets/api-key', { method: 'PUT', body: { value: SECRET } })).status, 200);
  });
  after(async () => {
    await t?.close();
    await gate?.close();
  });

  it('gives two jobs that share one code their own params', async () => {
    for (const [name, url] of [['check-a', 'https://a.example'], ['check-b', 'https://b.example']] as const) {
      const created = await t.api('/jobs', { method: 'POST', body: { name, interval: 3600, active: false, code: ECHO, params: { url, retries: 3 } } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.params, { url, retries: 3 });
    }
    const [a, b] = [await t.api('/jobs/check-a/run', { method: 'POST' }), await t.api('/jobs/check-b/run', { method: 'POST' })];
    assert.equal(a.body.logs[0].message, '{"url":"https://a.example","retries":3}');
    assert.equal(b.body.logs[0].message, '{"url":"https://b.example","retries":3}');
    assert.deepEqual(a.body.params, { url: 'https://a.example', retries: 3 });
  });

  it('hands the job a deep-frozen copy it cannot change', async () => {
    const code = job(`
      'use strict';
      const tries = [];
      try { job.params.url = 'x'; } catch (e) { tries.push('top'); }
      try { job.params.nested.list.push(4); } catch (e) { tries.push('deep'); }
      core.log(tries.join(','), Object.isFrozen(job.params.nested.list), job.params.url);
      return job.OK;`);
    await t.api('/jobs', { method: 'POST', body: { name: 'frozen', interval: 3600, active: false, code, params: { url: 'u', nested: { list: [1, 2, 3] } } } });
    const run = await t.api('/jobs/frozen/run', { method: 'POST' });
    assert.equal(run.body.logs[0].message, 'top,deep true u');
  });

  describe('refuses bad params with 422 naming the field, and saves nothing', () => {
    const cases: Array<[string, unknown, string]> = [
      ['params that are not an object', [1, 2], 'params'],
      ['params over 64 KB', { text: 'x'.repeat(70_000) }, 'params'],
      ['an unknown placeholder', { url: 'https://x.example/{{yesterday}}' }, 'params.url'],
      ['a reference to a secret that does not exist', { auth: { token: { $secret: 'nope' } } }, 'params.auth.token'],
      ['a malformed secret reference', { token: { $secret: 42 } }, 'params.token'],
    ];
    for (const [what, params, field] of cases) {
      it(`on create: ${what}`, async () => {
        const answer = await t.api('/jobs', { method: 'POST', body: { name: 'refused', interval: 60, params } });
        assert.equal(answer.status, 422, JSON.stringify(answer.body));
        assert.equal(answer.body.error.code, 'invalid');
        assert.equal(answer.body.error.field, field);
        assert.equal((await t.api('/jobs/refused')).status, 404);
      });
      it(`on update and on a manual run: ${what}`, async () => {
        const update = await t.api('/jobs/check-a', { method: 'PUT', body: { params } });
        assert.equal(update.status, 422);
        assert.equal(update.body.error.field, field);
        const run = await t.api('/jobs/check-a/run', { method: 'POST', body: { params } });
        assert.equal(run.status, 422);
        assert.equal(run.body.error.field, field);
        assert.deepEqual((await t.api('/jobs/check-a')).body.params, { url: 'https://a.example', retries: 3 });
      });
    }
  });

  it("runs a manual run with params merged over the job's, for that run only", async () => {
    const run = await t.api('/jobs/check-a/run', { method: 'POST', body: { params: { url: 'https://c.example', day: '{{date:YYYY}}' } } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const year = String(new Date().getUTCFullYear());
    assert.equal(run.body.logs[0].message, JSON.stringify({ url: 'https://c.example', retries: 3, day: year }));
    assert.deepEqual((await t.api('/jobs/check-a')).body.params, { url: 'https://a.example', retries: 3 });
  });

  it('masks a secret param in the log, the error, the run record, the runs listing and the live stream, and shows the reference as written', async () => {
    const code = job(`
      core.log('before the wait', job.params.auth.token);
      await core.network.get('${gate.url}');
      core.log('after', JSON.stringify(job.params));
      throw new Error('failed with ' + job.params.auth.token);`);
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'secretive', interval: 3600, active: false, code, params: { auth: { token: { $secret: 'api-key' } } } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.params, { auth: { token: { $secret: 'api-key' } } });
    const arrived = gate.arrived();
    const running = t.api('/jobs/secretive/run', { method: 'POST' });
    await arrived;
    const [inFlight] = (await t.api('/runs?job=secretive&limit=1')).body;
    assert.deepEqual(inFlight.params, { auth: { token: '***' } });
    const sse = await t.service.app.request(`/api/v1/runs/${inFlight.id}/events`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    gate.open();
    const stream = await sse.text();
    assert.match(stream, /before the wait \*\*\*/);
    assertNoSecret(stream, 'the live stream');
    const run = (await running).body;
    assert.equal(run.outcome, 'error');
    assert.match(run.error.message, /failed with \*\*\*/);
    assert.deepEqual(run.params, { auth: { token: '***' } });
    assertNoSecret(JSON.stringify(run), 'the run');
    assertNoSecret(JSON.stringify((await t.api(`/runs/${run.id}`)).body), 'the recorded run');
    assertNoSecret(JSON.stringify((await t.api('/runs?limit=100')).body), 'the runs listing');
    assertNoSecret(JSON.stringify((await t.api('/jobs/secretive')).body), 'the job');
  });

  it('fails a run whose secret was deleted since, naming the field and the secret', async () => {
    await t.api('/secrets/short-lived', { method: 'PUT', body: { value: 'a value long enough' } });
    await t.api('/jobs', { method: 'POST', body: { name: 'orphan', interval: 3600, active: false, code: ECHO, params: { key: { $secret: 'short-lived' } } } });
    await t.api('/secrets/short-lived', { method: 'DELETE' });
    const run = await t.api('/jobs/orphan/run', { method: 'POST' });
    assert.equal(run.body.outcome, 'error');
    assert.equal(run.body.error.message, `the job's params could not be resolved: params.key refers to secret "short-lived", which does not exist`);
  });

  it('reruns a run with its params and its code version although both changed since, or with the latest code when asked', async () => {
    const v1 = job(`core.log('v1', JSON.stringify(job.params));\nreturn job.OK;`);
    await t.api('/jobs', { method: 'POST', body: { name: 'repeat', interval: 3600, active: false, code: v1, params: { day: '{{date}}', n: 1 } } });
    const first = (await t.api('/jobs/repeat/run', { method: 'POST', body: { params: { n: 2 } } })).body;
    assert.equal(first.codeVersion, 1);
    await t.api('/jobs/repeat', { method: 'PUT', body: { params: { day: 'fixed', n: 9 }, code: job(`core.log('v2', JSON.stringify(job.params));\nreturn job.OK;`) } });
    const again = await t.api(`/runs/${first.id}/rerun`, { method: 'POST' });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.codeVersion, 1);
    assert.deepEqual(again.body.params, first.params);
    assert.equal(again.body.logs[0].message, `v1 ${JSON.stringify(first.params)}`);
    const latest = await t.api(`/runs/${first.id}/rerun`, { method: 'POST', body: { latest: true } });
    assert.equal(latest.body.codeVersion, 2);
    assert.equal(latest.body.logs[0].message, `v2 ${JSON.stringify(first.params)}`);
    assert.equal((await t.api(`/runs/${first.id}/rerun`, { method: 'POST', body: { latest: 'yes' } })).body.error.field, 'latest');
    assert.equal((await t.api('/runs/999999/rerun', { method: 'POST' })).status, 404);
  });

  it('refuses to rerun a draft without latest: its code was never saved', async () => {
    const draft = (await t.api('/jobs/repeat/run', { method: 'POST', body: { code: ECHO } })).body;
    const answer = await t.api(`/runs/${draft.id}/rerun`, { method: 'POST' });
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error.code, 'not_rerunnable');
    assert.equal((await t.api(`/runs/${draft.id}/rerun`, { method: 'POST', body: { latest: true } })).body.outcome, 'success');
  });
});

/**
 * Secrets, end to end on the SQLite store: set and listed through the API without their values,
 * stored only encrypted, usable by jobs through core.secret, masked in logs (live and recorded),
 * errors, held output, alert emails and webhooks and the service's own log, on both stores. The
 * key itself (start checks, rotation) is in secret-key.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';
import pino from 'pino';

import { SecretStore } from '../../../service/secrets/secret-store.js';
import { createTestService, TEST_TOKEN, type TestService } from '../../helpers/app.js';
import { startGate, type Gate } from '../../helpers/gate.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { waitFor } from '../../helpers/service.js';
import { readableMail, startSmtp } from '../alerts/receivers.js';
import { startRecordingServer, type RecordingServer } from '../drafts/loopback-http.js';

const SECRET = 'sk_live_9fQ2xLm7Tz41';
const job = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;

/** Every form of the secret the tests look for in what the service hands out. */
const FORMS = [SECRET, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('hex'), encodeURIComponent(SECRET)];
const assertNoSecret = (text: string, where: string) => {
  for (const form of FORMS) assert.ok(!text.includes(form), `${where} holds the secret as ${form}: ${text.slice(0, 400)}`);
};

/** Base64 as a job would write it by hand: QuickJS has no btoa. */
const BASE64_IN_JOB = `function toBase64(text) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < text.length; i += 3) {
    const n = (text.charCodeAt(i) << 16) | ((text.charCodeAt(i + 1) || 0) << 8) | (text.charCodeAt(i + 2) || 0);
    out += abc[(n >> 18) & 63] + abc[(n >> 12) & 63] + (i + 1 < text.length ? abc[(n >> 6) & 63] : '=') + (i + 2 < text.length ? abc[n & 63] : '=');
  }
  return out;
}`;

describe('secrets', () => {
  let t: TestService;
  let hook: RecordingServer;
  let gate: Gate;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  /** Every line the service logged, at every level. */
  const serviceLog: string[] = [];

  before(async () => {
    hook = await startRecordingServer();
    gate = await startGate();
    smtp = await startSmtp();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        serviceLog.push(String(chunk));
        done();
      },
    });
    t = await createTestService(
      { QUICKJOBS_NETWORK_ALLOW: '127.0.0.1', QUICKJOBS_SMTP_URL: smtp.url, QUICKJOBS_MAIL_FROM: 'quickjobs@example.com' },
      undefined,
      { log: pino({ level: 'trace' }, sink) },
    );
  });
  after(async () => {
    await t?.close();
    await hook?.close();
    await gate?.close();
    await smtp?.close();
  });

  it('creates the key file with mode 0600 in the data folder', () => {
    const mode = statSync(join(t.dataDir, 'secret.key')).mode & 0o777;
    assert.equal(mode, 0o600);
  });

  it('sets a secret and lists its name, time and who, never its value', async () => {
    const set = await t.api('/secrets/API_KEY', { method: 'PUT', body: { value: SECRET } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(Object.keys(set.body).sort(), ['name', 'updatedAt', 'updatedBy']);
    const list = await t.api('/secrets');
    assert.deepEqual(
      list.body.map((s: Record<string, unknown>) => [s.name, s.updatedBy, typeof s.updatedAt]),
      [['API_KEY', 'QUICKJOBS_API_TOKEN', 'string']],
    );
    assertNoSecret(JSON.stringify(list.body) + JSON.stringify(set.body), 'the API');
  });

  it('refuses a bad name, a value too short to mask and unknown fields, naming the field', async () => {
    assert.equal((await t.api('/secrets/9bad', { method: 'PUT', body: { value: 'long enough' } })).body.error.field, 'name');
    assert.equal((await t.api('/secrets/short', { method: 'PUT', body: { value: 'abc' } })).body.error.field, 'value');
    assert.equal((await t.api('/secrets/other', { method: 'PUT', body: { value: 'long enough', extra: 1 } })).body.error.field, 'extra');
  });

  it('keeps only ciphertext in the store and its files', async () => {
    const stored = await t.service.store.getSecret('API_KEY');
    assert.ok(stored?.value.startsWith('v1:'));
    assertNoSecret(stored!.value, 'the stored value');
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('quickjobs.db'))) {
      assertNoSecret(readFileSync(join(t.dataDir, file)).toString('latin1'), file);
    }
  });

  it('gives a job the value, and masks it however the job writes it out', async () => {
    await t.api('/jobs', { method: 'POST', body: { name: 'uses', interval: 3600 } });
    const code = job(`
      const [key, err, code] = await core.secret('API_KEY');
      if (err) throw new Error(err + ' ' + code);
      core.log('plain', key, 'length', key.length);
      core.log(JSON.stringify({ headers: { authorization: 'Bearer ' + key } }));
      core.log('url', encodeURIComponent(key));
      core.log('split', key.split('').join(' '));
      core.log('chars', JSON.stringify(key.split('')));
      let hex = '';
      for (const c of key) hex += c.charCodeAt(0).toString(16).padStart(2, '0');
      core.log('hex', hex);
      core.log('reversed', key.split('').reverse().join(''));
      core.log('base64', toBase64(key));
      core.log('basic auth header', 'Basic ' + toBase64(key));
      throw new Error('failed with ' + key);
      ${BASE64_IN_JOB}`);
    const answer = await t.api('/jobs/uses/run', { method: 'POST', body: { code, mode: 'live' } });
    assert.equal(answer.body.outcome, 'error');
    assert.ok(answer.body.logs[0].message.startsWith('plain *** length 20'), answer.body.logs[0].message);
    assert.deepEqual(
      answer.body.logs.slice(-2).map((l: { message: string }) => l.message),
      ['base64 ***', 'basic auth header Basic ***'],
    );
    assert.match(answer.body.error.message, /failed with \*\*\*/);
    assertNoSecret(JSON.stringify(answer.body), 'the run');
    assert.ok(!JSON.stringify(answer.body).includes(SECRET.split('').join(' ')));
    const recorded = await t.api(`/runs/${answer.body.id}`);
    assertNoSecret(JSON.stringify(recorded.body), 'the recorded run');
  });

  it('masks it in what a safe draft held', async () => {
    const code = job(`
      const [key] = await core.secret('API_KEY');
      await core.network.postJson('${hook.origin}/held', { token: key }, { 'x-api-key': key });
      return job.OK;`);
    const answer = await t.api('/jobs/uses/run', { method: 'POST', body: { code } });
    assert.equal(answer.body.outcome, 'success', JSON.stringify(answer.body));
    assert.equal(answer.body.held.requests.length, 1);
    assert.equal(answer.body.held.requests[0].headers['x-api-key'], '***');
    assertNoSecret(JSON.stringify(answer.body), 'the held output');
  });

  it('masks it in the alert webhook of a scheduled run that fails', async () => {
    hook.seen.length = 0;
    const code = job(`const [key] = await core.secret('API_KEY'); throw new Error('boom ' + btoaLike(key));
      function btoaLike(s) { return s; }`);
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'alerting', interval: 1, code, notify: { webhook: `${hook.origin}/alert` } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const delivered = await waitFor(async () => hook.seen.find((r) => r.url === '/alert'), 15_000, 'the alert webhook');
    assert.match(delivered.body, /boom \*\*\*/);
    assertNoSecret(delivered.body, 'the webhook payload');
    const jobNow = await t.api('/jobs/alerting');
    assertNoSecret(JSON.stringify(jobNow.body), 'the job');
  });

  it('runs the shipped example as a safe draft: the key is read, the POST held and its key masked', async () => {
    await t.api('/secrets/PARTNER_API_KEY', { method: 'PUT', body: { value: SECRET } });
    const shipped = readFileSync(new URL('../../../jobs/post-with-secret.js', import.meta.url), 'utf8');
    const code = shipped.replace(/^const API_URL = '[^']*';$/m, `const API_URL = '${hook.origin}/heartbeat';`);
    hook.seen.length = 0;
    const answer = await t.api('/jobs/uses/run', { method: 'POST', body: { code } });
    assert.equal(answer.body.outcome, 'success', JSON.stringify(answer.body));
    assert.equal(answer.body.held.requests[0].headers.authorization, 'Bearer ***');
    assert.deepEqual(hook.seen, []);
  });

  it('answers a missing secret as a value the job can read (804)', async () => {
    const code = job(`const [v, err, code] = await core.secret('NOPE'); core.log(code, err); return job.OK;`);
    const answer = await t.api('/jobs/uses/run', { method: 'POST', body: { code } });
    assert.match(answer.body.logs[0].message, /^804 no secret named "NOPE"/);
  });

  it('masks it in the log streamed live while the run is in flight', async () => {
    const code = job(`
      const [key] = await core.secret('API_KEY');
      core.log('before the wait', key);
      await core.network.get('${gate.url}');
      core.log('after the wait', JSON.stringify({ key }));
      return job.OK;`);
    await t.api('/jobs', { method: 'POST', body: { name: 'streams', interval: 3600, code } });
    const arrived = gate.arrived();
    const running = t.api('/jobs/streams/run', { method: 'POST' });
    await arrived;
    const [inFlight] = (await t.api('/runs?job=streams&limit=1')).body;
    const sse = await t.service.app.request(`/api/v1/runs/${inFlight.id}/events`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    gate.open();
    const text = await sse.text();
    assert.match(text, /before the wait \*\*\*/);
    assert.match(text, /after the wait \{\\"key\\":\\"\*\*\*\\"\}/);
    assertNoSecret(text, 'the live log');
    assert.equal((await running).body.outcome, 'success');
  });

  it('masks it in the alert email of a failing run', async () => {
    const code = job(`const [key] = await core.secret('API_KEY'); core.log('using', key); throw new Error('refused for key ' + key);`);
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'mailing', interval: 1, code, notify: { email: ['ops@example.com'] } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const mail = await waitFor(async () => smtp.mails.find((m) => m.raw.includes('mailing')), 15_000, 'the alert email');
    await t.api('/jobs/mailing', { method: 'PUT', body: { active: false } });
    const readable = readableMail(mail.raw);
    assert.match(readable.text, /refused for key \*\*\*/);
    assertNoSecret(mail.raw, 'the alert email');
    assertNoSecret(readable.text, 'the alert email as read');
  });

  it('masks a secret another process set on the store a moment ago, before this node reads the store again', async () => {
    // This node reads the store again once its values are 2 s old: have it read now, so the rest
    // of this test falls inside the time it trusts what it read.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    t.service.secrets.masker();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const peer = await SecretStore.open(t.service.store, { envKey: null, dataDir: t.dataDir });
    const PEER_VALUE = 'peer-set-Zq81vN0xWk';
    await peer.set('FROM_PEER', PEER_VALUE, 'token');
    await t.api('/jobs', { method: 'POST', body: { name: 'peer', interval: 3600 } });
    const code = job(`
      const [key] = await core.secret('FROM_PEER');
      core.log('peer key', key);
      await core.network.postJson('${hook.origin}/peer', { key });
      throw new Error('peer failed with ' + key);`);
    const [live, safe] = [await t.api('/jobs/peer/run', { method: 'POST', body: { code, mode: 'live' } }), await t.api('/jobs/peer/run', { method: 'POST', body: { code } })];
    for (const answer of [live, safe]) {
      assert.equal(answer.body.logs[0].message, 'peer key ***');
      assert.equal(answer.body.error.message, 'Error: peer failed with ***');
      assert.ok(!JSON.stringify(answer.body).includes(PEER_VALUE), JSON.stringify(answer.body));
      assert.ok(!JSON.stringify((await t.api(`/runs/${answer.body.id}`)).body).includes(PEER_VALUE), 'the recorded run');
    }
    assert.deepEqual(safe.body.held.requests[0].body, '{"key":"***"}');
  });

  it('deletes a secret, and 404s a second time', async () => {
    await t.api('/secrets/GONE', { method: 'PUT', body: { value: 'temporary value' } });
    assert.equal((await t.api('/secrets/GONE', { method: 'DELETE' })).status, 200);
    assert.equal((await t.api('/secrets/GONE', { method: 'DELETE' })).status, 404);
  });

  it("after all of that, leaves no form of it in any file of the store, nor in the service's log", async () => {
    await t.service.scheduler.waitForRuns(10_000);
    assert.ok(serviceLog.join('').includes('***'), 'a masked error reached the log');
    assertNoSecret(serviceLog.join(''), "the service's log");
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('quickjobs.db'));
    assert.ok(files.length > 0);
    for (const file of files) assertNoSecret(readFileSync(join(t.dataDir, file)).toString('latin1'), file);
    const runs = JSON.stringify((await t.api('/runs?limit=200')).body);
    assert.ok(runs.includes('***'), 'the recorded runs show the mask');
    assertNoSecret(runs, 'the recorded runs');
    assertNoSecret(JSON.stringify((await t.api('/jobs')).body), 'the jobs');
  });
});

describe('secrets on the MySQL store', { skip: await gate('mysql', probeMysql) }, () => {
  let database: TestDatabase;
  let t: TestService;
  before(async () => {
    database = await createTestDatabase();
    t = await createTestService({ QUICKJOBS_STORE: database.url() });
  });
  after(async () => {
    await t?.close();
    await database?.drop();
  });

  it('keeps ciphertext in the shared store and gives jobs the value in the workers', async () => {
    await t.api('/secrets/SHARED', { method: 'PUT', body: { value: SECRET } });
    const stored = await t.service.store.getSecret('SHARED');
    assertNoSecret(stored!.value, 'the MySQL row');
    await t.api('/jobs', { method: 'POST', body: { name: 'reads', interval: 3600 } });
    const code = job(`const [v, err] = await core.secret('SHARED'); core.log(err ?? v.length); core.log(v); return job.OK;`);
    const answer = await t.api('/jobs/reads/run', { method: 'POST', body: { code } });
    assert.deepEqual(answer.body.logs.map((l: { message: string }) => l.message), ['20', '***']);
    await t.service.scheduler.waitForRuns(10_000);
    // Every table of the database, as the server holds it, with no form of the value anywhere.
    const connection = await mysql.createConnection(database.url());
    try {
      const [tables] = await connection.query<mysql.RowDataPacket[]>('SHOW TABLES');
      for (const row of tables) {
        const table = String(Object.values(row)[0]);
        const [rows] = await connection.query(`SELECT * FROM \`${table}\``);
        assertNoSecret(JSON.stringify(rows), `the MySQL table ${table}`);
      }
    } finally {
      await connection.end();
    }
  });
});

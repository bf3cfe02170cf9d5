/**
 * The API against a hostile web page and a password guesser: cookie-authenticated writes must be
 * same-origin JSON, logins are throttled, a password change ends sessions, the proxy headers count
 * only when trusted, and no script can make the syntax check answer 500.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setAdminPassword } from '../../../service/auth/admin-password.js';
import { createService, readConfig, type Service } from '../../../service/main.js';
import { createTestService, TEST_PASSWORD, type TestService } from '../../helpers/app.js';

/** The origin app.request() addresses. */
const SELF = 'http://localhost';

async function login(t: TestService, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string; setCookie: string }> {
  const res = await t.api('/login', { method: 'POST', auth: false, body: { password: TEST_PASSWORD }, headers: { origin: SELF, ...headers } });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, cookie: setCookie.split(';')[0]!, setCookie };
}

async function jobExists(t: TestService, name: string): Promise<boolean> {
  return (await t.api(`/jobs/${name}`)).status === 200;
}

describe('a cookie-authenticated write', () => {
  let t: TestService;
  let cookie: string;
  before(async () => {
    t = await createTestService();
    cookie = (await login(t)).cookie;
  });
  after(() => t.close());

  it('is refused as text/plain from a foreign origin (a form or simple fetch), and creates nothing', async () => {
    const res = await t.api('/jobs', {
      method: 'POST',
      auth: false,
      raw: JSON.stringify({ name: 'forged1', interval: 60 }),
      headers: { cookie, 'content-type': 'text/plain', origin: 'http://localhost:9999' },
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'unsupported_media_type');
    assert.equal(await jobExists(t, 'forged1'), false);
  });

  it('is refused as text/plain even from this origin', async () => {
    const res = await t.api('/jobs', { method: 'POST', auth: false, raw: '{"name":"forged2","interval":60}', headers: { cookie, 'content-type': 'text/plain', origin: SELF } });
    assert.equal(res.status, 415);
    assert.equal(await jobExists(t, 'forged2'), false);
  });

  it('is refused as JSON from a sibling origin or a same-site page, and without any origin', async () => {
    const attempts: Array<Record<string, string>> = [{ origin: 'http://localhost:9999' }, { origin: 'http://evil.localhost' }, { origin: 'null' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site', origin: SELF }, {}];
    for (const headers of attempts) {
      const res = await t.api('/jobs', { method: 'POST', auth: false, body: { name: 'forged3', interval: 60 }, headers: { cookie, ...headers } });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'cross_origin');
    }
    const del = await t.api('/jobs/anything', { method: 'DELETE', auth: false, headers: { cookie, origin: 'http://localhost:9999' } });
    assert.equal(del.status, 403);
    assert.equal(await jobExists(t, 'forged3'), false);
  });

  it('is accepted as JSON from this origin, as the webmin sends it', async () => {
    const res = await t.api('/jobs', { method: 'POST', auth: false, body: { name: 'mine', interval: 60 }, headers: { cookie, origin: SELF, 'sec-fetch-site': 'same-origin' } });
    assert.equal(res.status, 201);
    const bare = await t.api('/reload', { method: 'POST', auth: false, headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    assert.equal(bare.status, 200);
  });

  it('leaves Bearer-token requests alone, whatever their content type or origin', async () => {
    const res = await t.api('/jobs', { method: 'POST', raw: '{"name":"scripted","interval":60}', headers: { 'content-type': 'text/plain', origin: 'http://elsewhere' } });
    assert.equal(res.status, 201);
  });

  it('refuses a cross-site login too (no logging a victim into a session of the attacker)', async () => {
    const res = await t.api('/login', { method: 'POST', auth: false, body: { password: TEST_PASSWORD }, headers: { origin: 'http://localhost:9999' } });
    assert.equal(res.status, 403);
  });
});

describe('logging in', () => {
  it('answers 429 with Retry-After after 10 wrong passwords from one client, even for the right one', async () => {
    const t = await createTestService();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await t.api('/login', { method: 'POST', auth: false, body: { password: `wrong-${i}` }, headers: { origin: SELF } })).status);
      }
      assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
      const right = await t.api('/login', { method: 'POST', auth: false, body: { password: TEST_PASSWORD }, headers: { origin: SELF } });
      assert.equal(right.status, 429);
      assert.equal(right.body.error.code, 'too_many_attempts');
      const retryAfter = Number(right.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 300, `Retry-After ${retryAfter}`);
      assert.equal(right.headers.get('set-cookie'), null);
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-For unless the proxy is trusted: a guesser cannot pose as many clients', async () => {
    const t = await createTestService();
    try {
      for (let i = 0; i < 10; i++) {
        const res = await t.api('/login', { method: 'POST', auth: false, body: { password: 'wrong' }, headers: { origin: SELF, 'x-forwarded-for': `203.0.113.${i}` } });
        assert.equal(res.status, 401);
      }
      const res = await t.api('/login', { method: 'POST', auth: false, body: { password: 'wrong' }, headers: { origin: SELF, 'x-forwarded-for': '203.0.113.99' } });
      assert.equal(res.status, 429);
    } finally {
      await t.close();
    }
  });

  it('behind a trusted proxy, throttles each real client alone, and the account after 50 failures from anywhere', async () => {
    const t = await createTestService({ QUICKJOBS_TRUST_PROXY: 'true' });
    try {
      const attempt = (client: string, password = 'wrong') =>
        t.api('/login', { method: 'POST', auth: false, body: { password }, headers: { origin: SELF, 'x-forwarded-for': `198.51.100.7, ${client}` } });
      for (let i = 0; i < 10; i++) assert.equal((await attempt('203.0.113.1')).status, 401);
      assert.equal((await attempt('203.0.113.1')).status, 429);
      // Another client is not punished for the first one's guesses.
      assert.equal((await attempt('203.0.113.2', TEST_PASSWORD)).status, 200);
      for (let i = 0; i < 40; i++) assert.equal((await attempt(`203.0.113.${10 + (i % 5)}`)).status, 401);
      const fresh = await attempt('203.0.113.200', TEST_PASSWORD);
      assert.equal(fresh.status, 429);
      assert.match(fresh.body.error.message, /too many wrong passwords/);
    } finally {
      await t.close();
    }
  });
});

describe('the session cookie', () => {
  it('is Secure behind a trusted TLS proxy, and only then', async () => {
    const trusted = await createTestService({ QUICKJOBS_TRUST_PROXY: 'true' });
    const untrusted = await createTestService();
    try {
      const viaProxy = await login(trusted, { 'x-forwarded-proto': 'https', origin: 'https://localhost' });
      assert.equal(viaProxy.status, 200);
      assert.match(viaProxy.setCookie, /;\s*Secure/i);
      // The proxy's origin is the one a same-origin check must expect.
      const write = await trusted.api('/jobs', { method: 'POST', auth: false, body: { name: 'tls', interval: 60 }, headers: { cookie: viaProxy.cookie, origin: 'https://localhost', 'x-forwarded-proto': 'https' } });
      assert.equal(write.status, 201);

      const plain = await login(untrusted, { 'x-forwarded-proto': 'https' });
      assert.equal(plain.status, 200);
      assert.doesNotMatch(plain.setCookie, /;\s*Secure/i);
    } finally {
      await trusted.close();
      await untrusted.close();
    }
  });

  it('ends when the password is changed with `quickjobs passwd`', async () => {
    const t = await createTestService();
    try {
      const { cookie } = await login(t);
      assert.equal((await t.api('/status', { auth: false, headers: { cookie } })).status, 200);
      await setAdminPassword(t.service.store, 'a-brand-new-password');
      assert.equal((await t.api('/status', { auth: false, headers: { cookie } })).status, 401);
    } finally {
      await t.close();
    }
  });

  it('ends when the service restarts with a new QUICKJOBS_ADMIN_PASSWORD, and survives a restart with the same one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'quickjobs-restart-'));
    await mkdir(join(dataDir, 'jobs'));
    const start = (password: string): Promise<Service> =>
      createService(readConfig({ QUICKJOBS_DATA_DIR: dataDir, QUICKJOBS_JOBS_DIR: join(dataDir, 'jobs'), QUICKJOBS_ADMIN_PASSWORD: password, QUICKJOBS_WORKERS: '1', QUICKJOBS_LOG_LEVEL: 'silent' }), { print: () => {} });
    const status = async (service: Service, cookie: string): Promise<number> => (await service.app.request('/api/v1/status', { headers: { cookie } })).status;
    try {
      let service = await start('first-password');
      const res = await service.app.request('/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: SELF }, body: JSON.stringify({ password: 'first-password' }) });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      assert.equal(await status(service, cookie), 200);
      await service.dispose();

      service = await start('first-password');
      assert.equal(await status(service, cookie), 200);
      await service.dispose();

      service = await start('second-password');
      assert.equal(await status(service, cookie), 401);
      await service.dispose();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('saving deeply nested code', () => {
  let t: TestService;
  before(async () => {
    t = await createTestService();
    await t.api('/jobs', { method: 'POST', body: { name: 'deep', interval: 60 } });
  });
  after(() => t.close());

  it('answers 422 syntax_error for 400,000 nested brackets, and saves ordinary code afterwards', async () => {
    const code = 'const x = ' + '['.repeat(400_000) + ']'.repeat(400_000) + ';\nreturn core.job();';
    const res = await t.api('/jobs/deep/code', { method: 'PUT', body: { code } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'syntax_error');
    assert.match(res.body.error.message, /stack overflow|nested too deeply/);
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'deeper', interval: 60, code } });
    assert.equal(created.status, 422);

    const ok = await t.api('/jobs/deep/code', { method: 'PUT', body: { code: 'const job = core.job();\njob.run = () => job.OK;\nreturn job;' } });
    assert.equal(ok.status, 200);
    const bad = await t.api('/jobs/deep/code', { method: 'PUT', body: { code: 'retur n 1' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.line, 1);
  });

  it('accepts code nested a thousand deep, which a real job may do', async () => {
    const code = 'const x = ' + '['.repeat(1000) + ']'.repeat(1000) + ';\nconst job = core.job();\njob.run = () => job.OK;\nreturn job;';
    const res = await t.api('/jobs/deep/code', { method: 'PUT', body: { code } });
    assert.equal(res.status, 200);
  });
});

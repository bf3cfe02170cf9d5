/**
 * Users, sessions and tokens through the API (SPEC §14): a removed user's session ends, a changed
 * password ends that user's sessions only, a revoked token is refused at once, the last admin
 * stays, and logins are throttled per user name as well as per address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newApiToken } from '../../../service/auth/api-token.js';
import { createTestService, TEST_PASSWORD, type TestService } from '../../helpers/app.js';

const ORIGIN = { origin: 'http://localhost' };
let t: TestService;
before(async () => {
  t = await createTestService();
});
after(async () => {
  await t.close();
});

async function addUser(name: string, role: string, password = `${name}-password`): Promise<void> {
  const res = await t.api('/users', { method: 'POST', body: { name, role, password } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function login(name: string, password = `${name}-password`, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string; body: any }> {
  const res = await t.api('/login', { method: 'POST', auth: false, headers: { ...ORIGIN, ...headers }, body: { name, password } });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, body: res.body };
}

const withCookie = (cookie: string, path: string, init: { method?: string; body?: unknown } = {}) => t.api(path, { ...init, auth: false, headers: { ...ORIGIN, cookie } });

describe('users', () => {
  it('lists users with role and times, never a password or its hash', async () => {
    await addUser('lister', 'viewer');
    const list = await t.api('/users');
    assert.equal(list.status, 200);
    const lister = list.body.find((u: { name: string }) => u.name === 'lister');
    assert.deepEqual(Object.keys(lister).sort(), ['createdAt', 'lastLoginAt', 'name', 'role']);
    assert.doesNotMatch(JSON.stringify(list.body), /scrypt|lister-password/);
    assert.ok(list.body.some((u: { name: string; role: string }) => u.name === 'admin' && u.role === 'admin'));
  });

  it('validates at the edge, naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'Bad Name', role: 'viewer', password: 'long-enough' }, 'name'],
      [{ name: 'okname', role: 'boss', password: 'long-enough' }, 'role'],
      [{ name: 'okname', role: 'viewer', password: 'short' }, 'password'],
      [{ name: 'okname', role: 'viewer', password: 'long-enough', extra: 1 }, 'extra'],
    ] as const) {
      const res = await t.api('/users', { method: 'POST', body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.error.field, field);
    }
    await addUser('twice', 'viewer');
    assert.equal((await t.api('/users', { method: 'POST', body: { name: 'twice', role: 'viewer', password: 'long-enough' } })).status, 409);
  });

  it('signs a user in by name, with the role it has', async () => {
    await addUser('olga', 'operator');
    const session = await login('olga');
    assert.equal(session.status, 200);
    assert.deepEqual(session.body.user, { name: 'olga', role: 'operator' });
    assert.deepEqual((await withCookie(session.cookie, '/me')).body, { name: 'olga', role: 'operator', via: 'webmin' });
    assert.equal((await withCookie(session.cookie, '/jobs', { method: 'POST', body: { name: 'nope', interval: 60 } })).status, 403);
    // A new role counts from the next request, in the same session.
    await t.api('/users/olga', { method: 'PUT', body: { role: 'editor' } });
    assert.equal((await withCookie(session.cookie, '/jobs', { method: 'POST', body: { name: 'olgas', interval: 60 } })).status, 201);
    assert.equal((await t.api('/jobs/olgas')).body.createdBy, 'olga');
  });

  it("ends a removed user's session at once", async () => {
    await addUser('gone', 'editor');
    const session = await login('gone');
    assert.equal((await withCookie(session.cookie, '/status')).status, 200);
    assert.equal((await t.api('/users/gone', { method: 'DELETE' })).status, 200);
    assert.equal((await withCookie(session.cookie, '/status')).status, 401);
    assert.equal((await login('gone')).status, 401);
  });

  it("ends only that user's sessions when its password changes", async () => {
    await addUser('pia', 'viewer');
    await addUser('quinn', 'viewer');
    const pia = await login('pia');
    const quinn = await login('quinn');
    assert.equal((await t.api('/users/pia', { method: 'PUT', body: { password: 'pia-new-password' } })).status, 200);
    assert.equal((await withCookie(pia.cookie, '/status')).status, 401);
    assert.equal((await withCookie(quinn.cookie, '/status')).status, 200);
    assert.equal((await login('pia', 'pia-new-password')).status, 200);
  });

  it('changes its own password only with the current one', async () => {
    await addUser('self', 'viewer');
    const session = await login('self');
    const wrong = await withCookie(session.cookie, '/me/password', { method: 'PUT', body: { current: 'not-mine-at-all', password: 'self-new-password' } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.field, 'current');
    assert.equal((await withCookie(session.cookie, '/me/password', { method: 'PUT', body: { current: 'self-password', password: 'self-new-password' } })).status, 200);
    assert.equal((await login('self', 'self-new-password')).status, 200);
  });

  it('never removes or demotes the last admin', async () => {
    const users = (await t.api('/users')).body as Array<{ name: string; role: string }>;
    for (const other of users.filter((u) => u.role === 'admin' && u.name !== 'admin')) await t.api(`/users/${other.name}`, { method: 'DELETE' });
    const demote = await t.api('/users/admin', { method: 'PUT', body: { role: 'editor' } });
    assert.equal(demote.status, 409);
    assert.equal(demote.body.error.code, 'last_admin');
    assert.equal((await t.api('/users/admin', { method: 'DELETE' })).status, 409);
    assert.equal((await login('admin', TEST_PASSWORD)).body.user.role, 'admin');
  });

  it('throttles logins per user name across addresses, and per address across names', async () => {
    const throttled = await createTestService({ QUICKJOBS_TRUST_PROXY: 'true' });
    try {
      const attempt = (name: string, client: string, password = 'wrong-password') =>
        throttled.api('/login', { method: 'POST', auth: false, body: { name, password }, headers: { ...ORIGIN, 'x-forwarded-for': client } });
      for (let i = 0; i < 10; i++) assert.equal((await attempt(`guess${i}`, '203.0.113.1')).status, 401);
      assert.equal((await attempt('admin', '203.0.113.1', TEST_PASSWORD)).status, 429);
      for (let i = 0; i < 50; i++) assert.equal((await attempt('admin', `198.51.100.${i}`)).status, 401);
      assert.equal((await attempt('admin', '192.0.2.1', TEST_PASSWORD)).status, 429);
      // Another user is not locked out by guesses at admin.
      await throttled.api('/users', { method: 'POST', body: { name: 'other', role: 'viewer', password: 'other-password' } });
      assert.equal((await attempt('other', '192.0.2.2', 'other-password')).status, 200);
    } finally {
      await throttled.close();
    }
  });
});

describe('API tokens', () => {
  it('answers the token once, lists it without it, acts with the owner\'s role, and is refused at once when revoked', async () => {
    await addUser('robot', 'operator');
    const made = await t.api('/tokens', { method: 'POST', body: { name: 'deploys', owner: 'robot' } });
    assert.equal(made.status, 201);
    assert.match(made.body.token, /^qjt_[0-9a-f]{16}_/);
    const list = await t.api('/tokens');
    const listed = list.body.find((token: { id: string }) => token.id === made.body.id);
    assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'owner']);
    assert.doesNotMatch(JSON.stringify(list.body), new RegExp(made.body.token.slice(21)));
    const bearer = { authorization: `Bearer ${made.body.token}` };
    assert.deepEqual((await t.api('/me', { auth: false, headers: bearer })).body, { name: 'robot', role: 'operator', via: 'token' });
    assert.equal((await t.api('/reload', { method: 'POST', auth: false, headers: bearer })).status, 200);
    assert.equal((await t.api('/jobs', { method: 'POST', auth: false, headers: bearer, body: { name: 'x', interval: 60 } })).status, 403);
    assert.notEqual((await t.api('/tokens')).body.find((token: { id: string }) => token.id === made.body.id).lastUsedAt, null);
    assert.equal((await t.api(`/tokens/${made.body.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await t.api('/status', { auth: false, headers: bearer })).status, 401);
  });

  it('refuses an expired token, a forged one, and an expiry in the past', async () => {
    const past = await t.api('/tokens', { method: 'POST', body: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' } });
    assert.equal(past.status, 422);
    assert.equal(past.body.error.field, 'expiresAt');
    const made = await t.api('/tokens', { method: 'POST', body: { name: 'brief', owner: 'admin', expiresAt: new Date(Date.now() + 60_000).toISOString() } });
    assert.equal((await t.api('/status', { auth: false, headers: { authorization: `Bearer ${made.body.token}` } })).status, 200);
    const forged = made.body.token.slice(0, -4) + 'AAAA';
    assert.equal((await t.api('/status', { auth: false, headers: { authorization: `Bearer ${forged}` } })).status, 401);
    // Expiry is checked on every use: pretend the clock passed it.
    const expired = newApiToken();
    await t.service.store.createToken({ id: expired.id, name: 'expired', owner: 'admin', hash: expired.hash, createdAt: 0, lastUsedAt: null, expiresAt: Date.now() - 1 });
    assert.equal((await t.api('/status', { auth: false, headers: { authorization: `Bearer ${expired.token}` } })).status, 401);
  });
});

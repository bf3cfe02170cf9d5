/**
 * The audit trail (SPEC §14): every change and action in the list leaves exactly one entry with the
 * right user and `via`; a refused change leaves none; a failed login leaves one.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRoleService, PASSWORDS, USERS, type RoleService } from './role-fixture.js';

let t: RoleService;
before(async () => {
  t = await createRoleService();
});
after(async () => {
  await t.close();
});

const ORIGIN = { origin: 'http://localhost' };
const job = (body: string) => `// quickjobs: {"interval": 3600}\n${body}\n`;

async function auditIds(): Promise<Set<number>> {
  const rows = (await t.api('/audit?limit=1000')).body as Array<{ id: number }>;
  return new Set(rows.map((row) => row.id));
}

/** Runs `act` and checks it left exactly one new entry, of `action` by `user` via `via` on `target`. */
async function leavesOne(action: string, user: string | null, via: string, target: string | null, act: () => Promise<unknown>): Promise<void> {
  const before = await auditIds();
  await act();
  const fresh = ((await t.api('/audit?limit=1000')).body as Array<Record<string, unknown>>).filter((row) => !before.has(row.id as number));
  assert.deepEqual(
    fresh.map((row) => ({ action: row.action, user: row.user, via: row.via, target: row.target })),
    [{ action, user, via, target }],
  );
}

async function expectStatus(status: number, answer: Promise<{ status: number; body: unknown }>): Promise<void> {
  const res = await answer;
  assert.equal(res.status, status, JSON.stringify(res.body));
}

describe('the audit trail', () => {
  it('records each change to jobs, code, periods and secrets once, with the user and how they came', async () => {
    const editor = USERS.editor;
    await leavesOne('job.create', editor, 'token', 'audited', () => expectStatus(201, t.as('editor', '/jobs', { method: 'POST', body: { name: 'audited', interval: 3600 } })));
    await leavesOne('job.update', editor, 'token', 'audited', () => expectStatus(200, t.as('editor', '/jobs/audited', { method: 'PUT', body: { description: 'changed' } })));
    await leavesOne('code.save', editor, 'token', 'audited', () => expectStatus(200, t.as('editor', '/jobs/audited/code', { method: 'PUT', body: { code: job('return job.OK;') } })));
    await leavesOne('code.restore', editor, 'token', 'audited', () => expectStatus(200, t.as('editor', '/jobs/audited/versions/1/restore', { method: 'POST' })));
    await leavesOne('job.deactivate', USERS.operator, 'token', 'audited', () => expectStatus(200, t.as('operator', '/jobs/audited', { method: 'PUT', body: { active: false } })));
    await leavesOne('job.activate', USERS.operator, 'token', 'audited', () => expectStatus(200, t.as('operator', '/jobs/audited', { method: 'PUT', body: { active: true } })));
    let runId = 0;
    await leavesOne('job.run', USERS.operator, 'token', 'audited', async () => {
      const res = await t.as('operator', '/jobs/audited/run', { method: 'POST' });
      assert.equal(res.status, 200);
      runId = res.body.id;
    });
    await leavesOne('run.rerun', USERS.operator, 'token', String(runId), () => expectStatus(200, t.as('operator', `/runs/${runId}/rerun`, { method: 'POST' })));
    await leavesOne('reload', USERS.operator, 'token', null, () => expectStatus(200, t.as('operator', '/reload', { method: 'POST' })));
    const period = { name: 'nights', ranges: [{ days: ['mon', 'tue'], from: '20:00', to: '23:00' }] };
    await leavesOne('period.create', editor, 'token', 'nights', () => expectStatus(201, t.as('editor', '/periods', { method: 'POST', body: period })));
    await leavesOne('period.update', editor, 'token', 'nights', () => expectStatus(200, t.as('editor', '/periods/nights', { method: 'PUT', body: { description: 'late' } })));
    await leavesOne('period.delete', editor, 'token', 'nights', () => expectStatus(200, t.as('editor', '/periods/nights', { method: 'DELETE' })));
    await leavesOne('secret.set', USERS.admin, 'token', 'API_KEY', () => expectStatus(200, t.as('admin', '/secrets/API_KEY', { method: 'PUT', body: { value: 'the-value-itself' } })));
    await leavesOne('secret.delete', USERS.admin, 'token', 'API_KEY', () => expectStatus(200, t.as('admin', '/secrets/API_KEY', { method: 'DELETE' })));
    await leavesOne('job.delete', editor, 'token', 'audited', () => expectStatus(200, t.as('editor', '/jobs/audited', { method: 'DELETE' })));
    const all = JSON.stringify((await t.api('/audit?limit=1000')).body);
    assert.doesNotMatch(all, /the-value-itself/, 'a secret value reached the audit trail');
  });

  it('records what the jobs folder changes at a reload via the folder, and the reload by its user', async () => {
    await writeFile(join(t.jobsDir, 'from-folder.js'), job('return job.OK;'));
    const before = await auditIds();
    await expectStatus(200, t.as('operator', '/reload', { method: 'POST' }));
    const fresh = ((await t.api('/audit?limit=1000')).body as Array<Record<string, unknown>>).filter((row) => !before.has(row.id as number));
    assert.deepEqual(
      fresh.map((row) => [row.action, row.user, row.via, row.target]).sort(),
      [['job.create', null, 'folder', 'from-folder'], ['reload', USERS.operator, 'token', null]],
    );
  });

  it('records the code version a save made', async () => {
    await expectStatus(201, t.as('editor', '/jobs', { method: 'POST', body: { name: 'versioned', interval: 3600 } }));
    await expectStatus(200, t.as('editor', '/jobs/versioned/code', { method: 'PUT', body: { code: job('return job.OK;') } }));
    const [entry] = (await t.api('/audit?action=code.save&target=versioned')).body;
    assert.match(entry.summary, /version 2/);
  });

  it('records a cancel once', async () => {
    await expectStatus(201, t.api('/jobs', { method: 'POST', body: { name: 'spinner', interval: 3600, code: job('for (;;) {}') } }));
    const running = t.as('operator', '/jobs/spinner/run', { method: 'POST' });
    let id: number | undefined;
    while (id === undefined) {
      id = ((await t.api('/runs?job=spinner&outcome=running&limit=1')).body as Array<{ id: number }>)[0]?.id;
      if (id === undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    await leavesOne('run.cancel', USERS.operator, 'token', String(id), () => expectStatus(200, t.as('operator', `/runs/${id}/cancel`, { method: 'POST' })));
    assert.equal((await running).body.outcome, 'cancelled');
  });

  it('records user and token changes, and never a password', async () => {
    await leavesOne('user.create', USERS.admin, 'token', 'newbie', () => expectStatus(201, t.as('admin', '/users', { method: 'POST', body: { name: 'newbie', role: 'viewer', password: 'newbie-password' } })));
    await leavesOne('user.update', USERS.admin, 'token', 'newbie', () => expectStatus(200, t.as('admin', '/users/newbie', { method: 'PUT', body: { role: 'operator' } })));
    let tokenId = '';
    await leavesOne('token.create', USERS.admin, 'token', 'deploys', async () => {
      const res = await t.as('admin', '/tokens', { method: 'POST', body: { name: 'deploys' } });
      assert.equal(res.status, 201);
      tokenId = res.body.id;
    });
    await leavesOne('token.revoke', USERS.admin, 'token', tokenId, () => expectStatus(200, t.as('admin', `/tokens/${tokenId}`, { method: 'DELETE' })));
    await leavesOne('user.delete', USERS.admin, 'token', 'newbie', () => expectStatus(200, t.as('admin', '/users/newbie', { method: 'DELETE' })));
    assert.doesNotMatch(JSON.stringify((await t.api('/audit?limit=1000')).body), /newbie-password/);
  });

  it('records a webmin login, a failed login and a logout, via the webmin', async () => {
    const name = USERS.viewer;
    await leavesOne('login.failed', name, 'webmin', name, () => expectStatus(401, t.api('/login', { method: 'POST', auth: false, headers: ORIGIN, body: { name, password: 'not-it-at-all' } })));
    await leavesOne('login.failed', null, 'webmin', 'nobody', () => expectStatus(401, t.api('/login', { method: 'POST', auth: false, headers: ORIGIN, body: { name: 'nobody', password: 'not-it-at-all' } })));
    let cookie = '';
    await leavesOne('login', name, 'webmin', name, async () => {
      const res = await t.api('/login', { method: 'POST', auth: false, headers: ORIGIN, body: { name, password: PASSWORDS.viewer } });
      assert.equal(res.status, 200);
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    });
    await leavesOne('user.password', name, 'webmin', name, () =>
      expectStatus(200, t.api('/me/password', { method: 'PUT', auth: false, headers: { ...ORIGIN, cookie }, body: { current: PASSWORDS.viewer, password: 'a-new-viewer-pass' } })),
    );
    // The new password ended that session; sign in again to sign out.
    const again = await t.api('/login', { method: 'POST', auth: false, headers: ORIGIN, body: { name, password: 'a-new-viewer-pass' } });
    cookie = (again.headers.get('set-cookie') ?? '').split(';')[0]!;
    await leavesOne('logout', name, 'webmin', name, () => expectStatus(200, t.api('/logout', { method: 'POST', auth: false, headers: { ...ORIGIN, cookie } })));
  });

  it('writes nothing for a change that was refused or failed', async () => {
    const before = await auditIds();
    await expectStatus(403, t.as('viewer', '/jobs', { method: 'POST', body: { name: 'refused', interval: 3600 } }));
    await expectStatus(422, t.as('editor', '/jobs', { method: 'POST', body: { name: 'bad', interval: -1 } }));
    await expectStatus(404, t.as('editor', '/jobs/never-was', { method: 'DELETE' }));
    await expectStatus(404, t.as('admin', '/users/never-was', { method: 'PUT', body: { role: 'viewer' } }));
    assert.deepEqual([...(await auditIds())].filter((id) => !before.has(id)), []);
  });

  it('filters by user, action and time, and is readable by editors but not operators', async () => {
    const mine = (await t.as('editor', `/audit?user=${USERS.editor}&action=job.create`)).body as Array<{ user: string; action: string }>;
    assert.ok(mine.length >= 1 && mine.every((row) => row.user === USERS.editor && row.action === 'job.create'));
    assert.deepEqual((await t.api(`/audit?since=${new Date(Date.now() + 60_000).toISOString()}`)).body, []);
    assert.equal((await t.as('operator', '/audit')).status, 403);
    const bad = await t.api('/audit?since=yesterday');
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.field, 'since');
  });
});

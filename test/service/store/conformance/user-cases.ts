/** Users, their sessions and tokens, and the audit trail written with the change it records (SPEC §14). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LastAdminError, UserExistsError } from '../../../../service/store/errors.js';
import { withAudit } from '../../../../service/users/audit-context.js';
import type { NewAuditEntry, StoredUser } from '../../../../service/users/types.js';
import { newJob, type StoreContext, T0 } from './context.js';

const user = (name: string, role: StoredUser['role'] = 'viewer'): StoredUser => ({ name, role, passwordHash: `hash-of-${name}`, createdAt: T0, lastLoginAt: null });
const entry = (action: string, target: string | null = null): NewAuditEntry => ({ at: T0, user: 'alice', via: 'webmin', action, target, summary: 'fields: x' });

export function describeUsers(context: StoreContext): void {
  describe('users', () => {
    it('keeps users with their role and password hash, and refuses a second of one name', async () => {
      await context.store.createUser(user('alice', 'admin'));
      await context.store.createUser(user('bob', 'editor'));
      await assert.rejects(context.store.createUser(user('bob')), UserExistsError);
      assert.deepEqual(await context.store.getUser('bob'), user('bob', 'editor'));
      assert.deepEqual(
        (await context.store.listUsers()).map((u) => [u.name, u.role, 'passwordHash' in u]),
        [['alice', 'admin', false], ['bob', 'editor', false]],
      );
    });

    it('never demotes or removes the last admin, and writes nothing trying', async () => {
      await context.store.createUser(user('alice', 'admin'));
      await context.store.createUser(user('bob', 'editor'));
      await assert.rejects(context.store.updateUser('alice', { role: 'viewer' }), LastAdminError);
      await assert.rejects(context.store.deleteUser('alice'), LastAdminError);
      assert.equal((await context.store.getUser('alice'))?.role, 'admin');
      await context.store.updateUser('bob', { role: 'admin' });
      assert.equal((await context.store.updateUser('alice', { role: 'viewer' })).role, 'viewer');
      assert.equal(await context.store.deleteUser('alice'), true);
      assert.equal(await context.store.deleteUser('alice'), false);
    });

    it("ends a user's sessions on a new password or removal, and only that user's", async () => {
      const later = Date.now() + 3_600_000;
      await context.store.createUser(user('alice', 'admin'));
      await context.store.createUser(user('bob'));
      await context.store.createSession('a1', later, 'alice');
      await context.store.createSession('b1', later, 'bob');
      assert.deepEqual(await context.store.getSession('b1', T0), { expiresAt: later, user: 'bob' });
      assert.notEqual((await context.store.getUser('bob'))?.lastLoginAt, null);
      await context.store.updateUser('bob', { passwordHash: 'new' });
      assert.equal(await context.store.getSession('b1', T0), null);
      assert.notEqual(await context.store.getSession('a1', T0), null);
      await context.store.createSession('b2', later, 'bob');
      await context.store.deleteUser('bob');
      assert.equal(await context.store.getSession('b2', T0), null);
    });

    it('keeps tokens by id with their hash, records a use, revokes at once, and drops a removed owner\'s', async () => {
      await context.store.createUser(user('alice', 'admin'));
      await context.store.createUser(user('bob'));
      const token = { id: '0123456789abcdef', name: 'ci', owner: 'bob', hash: 'f'.repeat(64), createdAt: T0, lastUsedAt: null, expiresAt: T0 + 1000 };
      await context.store.createToken(token);
      await context.store.createToken({ ...token, id: 'aaaaaaaaaaaaaaaa', owner: 'alice' });
      assert.deepEqual(await context.store.getToken(token.id), token);
      await context.store.touchToken(token.id, T0 + 5);
      assert.equal((await context.store.getToken(token.id))?.lastUsedAt, T0 + 5);
      assert.deepEqual((await context.store.listTokens('bob')).map((t) => [t.id, 'hash' in t]), [[token.id, false]]);
      assert.equal((await context.store.listTokens()).length, 2);
      await context.store.deleteUser('bob');
      assert.equal(await context.store.getToken(token.id), null);
      assert.equal(await context.store.deleteToken('aaaaaaaaaaaaaaaa'), true);
      assert.equal(await context.store.getToken('aaaaaaaaaaaaaaaa'), null);
    });
  });

  describe('the audit trail', () => {
    it('writes the pending entry in the transaction of the change, once', async () => {
      await withAudit({ entry: entry('job.create', 'one') }, async () => {
        await context.store.createJob(newJob('one'), 'code');
        await context.store.updateJob('one', { description: 'again' });
      });
      const rows = await context.store.listAudit({ limit: 10 });
      assert.deepEqual(rows.map((r) => [r.action, r.target, r.user, r.via]), [['job.create', 'one', 'alice', 'webmin']]);
    });

    it('writes no entry for a change that is refused', async () => {
      await context.store.createUser(user('alice', 'admin'));
      await assert.rejects(withAudit({ entry: entry('user.update', 'alice') }, () => context.store.updateUser('alice', { role: 'viewer' })), LastAdminError);
      await assert.rejects(withAudit({ entry: entry('job.update', 'nope') }, () => context.store.updateJob('nope', { description: 'x' })));
      assert.deepEqual(await context.store.listAudit({ limit: 10 }), []);
    });

    it('adds what the answer knows to the summary: the version a save made', async () => {
      await context.store.createJob(newJob('one'), 'code');
      await withAudit({ entry: entry('code.save', 'one'), summarize: (job) => `version ${(job as { version: number }).version}` }, () =>
        context.store.saveCode('one', 'code 2'),
      );
      assert.equal((await context.store.listAudit({ limit: 1 }))[0]?.summary, 'fields: x; version 2');
    });

    it('filters by user, action, target and time, pages by id, and prunes the old', async () => {
      for (let i = 0; i < 5; i++) await context.store.appendAudit({ ...entry(i % 2 ? 'login' : 'job.delete', `t${i}`), at: T0 + i, user: i < 3 ? 'alice' : 'bob' });
      const all = await context.store.listAudit({ limit: 10 });
      assert.deepEqual(all.map((r) => r.target), ['t4', 't3', 't2', 't1', 't0']);
      assert.deepEqual((await context.store.listAudit({ limit: 10, user: 'bob' })).map((r) => r.target), ['t4', 't3']);
      assert.deepEqual((await context.store.listAudit({ limit: 10, action: 'login' })).map((r) => r.target), ['t3', 't1']);
      assert.deepEqual((await context.store.listAudit({ limit: 10, target: 't2' })).map((r) => r.at), [T0 + 2]);
      assert.deepEqual((await context.store.listAudit({ limit: 10, since: T0 + 1, until: T0 + 3 })).map((r) => r.target), ['t2', 't1']);
      assert.deepEqual((await context.store.listAudit({ limit: 2, before: all[1]!.id })).map((r) => r.target), ['t2', 't1']);
      assert.equal(await context.store.pruneAudit(T0 + 2), 2);
      assert.deepEqual((await context.store.listAudit({ limit: 10 })).map((r) => r.target), ['t4', 't3', 't2']);
    });
  });
}

/** Settings and webmin sessions (sessions of users: user-cases.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type StoreContext, T0 } from './context.js';

export function describeSettingsAndSessions(context: StoreContext): void {
  describe('settings', () => {
    it('answers null for a setting never written', async () => {
      assert.equal(await context.store.getSetting('password-hash'), null);
    });

    it('keeps the last value written', async () => {
      await context.store.setSetting('password-hash', 'first');
      await context.store.setSetting('password-hash', 'second');
      await context.store.setSetting('other', '');
      assert.equal(await context.store.getSetting('password-hash'), 'second');
      assert.equal(await context.store.getSetting('other'), '');
    });
  });

  describe('sessions', () => {
    // Far in the future, so housekeeping against the real clock never drops them.
    const expiresAt = Date.now() + 3_600_000;

    it('answers the expiry of a live session', async () => {
      await context.store.createSession('s1', expiresAt);
      assert.deepEqual(await context.store.getSession('s1', T0), { expiresAt, user: 'admin' });
      assert.deepEqual(await context.store.getSession('s1', expiresAt - 1), { expiresAt, user: 'admin' });
    });

    it('answers null once the session has expired', async () => {
      await context.store.createSession('s1', expiresAt);
      assert.equal(await context.store.getSession('s1', expiresAt), null);
      assert.equal(await context.store.getSession('s1', expiresAt + 1), null);
    });

    it('answers null for an unknown or deleted session', async () => {
      await context.store.createSession('s1', expiresAt);
      await context.store.createSession('s2', expiresAt);
      await context.store.deleteSession('s1');
      await context.store.deleteSession('never-there');
      assert.equal(await context.store.getSession('s1', T0), null);
      assert.equal(await context.store.getSession('unknown', T0), null);
      assert.deepEqual(await context.store.getSession('s2', T0), { expiresAt, user: 'admin' });
    });
  });
}

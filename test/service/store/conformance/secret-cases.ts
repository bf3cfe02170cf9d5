/** Secrets as the store keeps them: ciphertext by name, listed in name order, rewritten all or nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StoredSecret } from '../../../../service/store/store.js';
import { type StoreContext, T0 } from './context.js';

const secret = (name: string, value: string, updatedAt = T0): StoredSecret => ({ name, value, updatedAt, updatedBy: 'webmin' });

export function describeSecrets(context: StoreContext): void {
  describe('secrets', () => {
    it('keeps a secret by name and lists every one in name order', async () => {
      await context.store.putSecret(secret('zeta', 'v1:zz'));
      await context.store.putSecret(secret('alpha', 'v1:aa'));
      assert.deepEqual(await context.store.getSecret('alpha'), secret('alpha', 'v1:aa'));
      assert.deepEqual((await context.store.listSecrets()).map((s) => s.name), ['alpha', 'zeta']);
      assert.equal(await context.store.getSecret('missing'), null);
    });

    it('replaces a secret set again, with its new time and who', async () => {
      await context.store.putSecret(secret('key', 'v1:old'));
      await context.store.putSecret({ name: 'key', value: 'v1:new', updatedAt: T0 + 5, updatedBy: 'token' });
      assert.deepEqual(await context.store.listSecrets(), [{ name: 'key', value: 'v1:new', updatedAt: T0 + 5, updatedBy: 'token' }]);
    });

    it('deletes a secret and says whether there was one', async () => {
      await context.store.putSecret(secret('key', 'v1:x'));
      assert.equal(await context.store.deleteSecret('key'), true);
      assert.equal(await context.store.deleteSecret('key'), false);
      assert.deepEqual(await context.store.listSecrets(), []);
    });

    it('rewrites many secrets at once', async () => {
      await context.store.putSecret(secret('a', 'v1:a'));
      await context.store.putSecret(secret('b', 'v1:b'));
      await context.store.replaceSecrets([secret('a', 'v1:A'), secret('b', 'v1:B')]);
      assert.deepEqual((await context.store.listSecrets()).map((s) => s.value), ['v1:A', 'v1:B']);
    });
  });
}

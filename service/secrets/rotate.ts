/**
 * Re-encrypts every secret under a new key, in one store transaction: either all of them move to
 * the new key or none does. The caller writes the new key where the service reads it.
 */
import type { Store } from '../store/store.js';
import { SecretKeyError } from './errors.js';
import { decryptSecret, encryptSecret } from './secret-crypto.js';

export async function rotateSecrets(store: Store, oldKey: Buffer, newKey: Buffer): Promise<number> {
  const stored = await store.listSecrets();
  const rewritten = stored.map((secret) => {
    let value: string;
    try {
      value = decryptSecret(oldKey, secret.name, secret.value);
    } catch (error) {
      throw new SecretKeyError(`the current key does not open secret "${secret.name}" (${(error as Error).message}); nothing was changed`);
    }
    return { ...secret, value: encryptSecret(newKey, secret.name, value) };
  });
  await store.replaceSecrets(rewritten);
  return rewritten.length;
}

/**
 * `core.secret(name)`: the value of a secret, decrypted here, in the worker that asked, with the
 * key the service loaded at start. The store keeps only ciphertext.
 */
import { decryptSecret } from '../secrets/secret-crypto.js';
import { SECRET_NAME } from '../secrets/secret-input.js';
import type { DataStore } from '../store/data-store.js';
import { requireString } from './args.js';
import { DataIoError, describeError, MissingArgumentError, WrongTypeError } from './errors.js';

export class SecretHelper {
  constructor(
    private readonly store: Pick<DataStore, 'getSecret'>,
    private readonly key: Buffer | null,
  ) {}

  async get(args: unknown[]): Promise<string> {
    const name = requireString(args[0], 'name');
    if (!SECRET_NAME.test(name)) throw new WrongTypeError('name', `"${name}" is not a secret name`);
    let stored;
    try {
      stored = await this.store.getSecret(name);
    } catch (error) {
      throw new DataIoError(`secret store: ${describeError(error)}`, { cause: error });
    }
    if (!stored) throw new MissingArgumentError('name', `no secret named "${name}"; set it in the webmin's Secrets page`);
    if (!this.key) throw new DataIoError('secrets are not available here (no secret key)');
    try {
      return decryptSecret(this.key, name, stored.value);
    } catch (error) {
      throw new DataIoError(describeError(error), { cause: error });
    }
  }
}

/**
 * `core.secret(name)`: the value of a secret, decrypted here, in the worker that asked, with the
 * key the service loaded at start. The store keeps only ciphertext.
 *
 * It also masks what it handed out: the main thread masks with the secrets it knows, which it
 * reads again only every few seconds, so a secret set by another process on the same store a
 * moment ago would reach a run's log unmasked. This thread knows every value it gave a job, at
 * once, and masks those before the log leaves it.
 */
import { Masker } from '../secrets/masker.js';
import { decryptSecret } from '../secrets/secret-crypto.js';
import { SECRET_NAME } from '../secrets/secret-input.js';
import type { DataStore } from '../store/data-store.js';
import { requireString } from './args.js';
import { DataIoError, describeError, MissingArgumentError, WrongTypeError } from './errors.js';

export class SecretHelper {
  /** Every value this thread handed a job, and the masker of them. */
  readonly #served = new Set<string>();
  #masker = new Masker([]);

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
    let value: string;
    try {
      value = decryptSecret(this.key, name, stored.value);
    } catch (error) {
      throw new DataIoError(describeError(error), { cause: error });
    }
    if (!this.#served.has(value)) {
      this.#served.add(value);
      this.#masker = new Masker(this.#served);
    }
    return value;
  }

  /** The masker of every value handed out so far. */
  get masker(): Masker {
    return this.#masker;
  }
}

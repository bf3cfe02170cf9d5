/**
 * Secrets as the service sees them: set, list (names and when, never values), delete, resolve, and
 * the masker of every current value. Values are encrypted before they reach the store and decrypted
 * only here and in the workers (service/helpers/secret.ts). The values are kept in memory to mask
 * with; another node's changes are read again at most every REFRESH_MS.
 */
import type { Store } from '../store/store.js';
import { SecretKeyError } from './errors.js';
import { Masker } from './masker.js';
import { decryptSecret, encryptSecret } from './secret-crypto.js';
import { loadSecretKey, type LoadedKey, type SecretKeySource } from './secret-key.js';

const REFRESH_MS = 2000;

export interface SecretInfo {
  name: string;
  updatedAt: number;
  updatedBy: string | null;
}

export class SecretStore {
  #values = new Map<string, string>();
  #masker: Masker = new Masker([]);
  #readAt = 0;
  #refreshing: Promise<void> | undefined;

  private constructor(
    private readonly store: Store,
    private readonly loaded: LoadedKey,
    private readonly now: () => number,
  ) {}

  /**
   * Loads the key (creating the key file on a first start) and opens every stored secret with it.
   * Throws SecretKeyError, with one line saying what is wrong, when the key is missing, malformed
   * or does not open them: the service must not start and write secrets under another key.
   */
  static async open(store: Store, source: SecretKeySource, now: () => number = Date.now): Promise<SecretStore> {
    const stored = await store.listSecrets();
    const loaded = loadSecretKey(source, stored.length > 0);
    const secrets = new SecretStore(store, loaded, now);
    for (const secret of stored) {
      try {
        secrets.#values.set(secret.name, decryptSecret(loaded.key, secret.name, secret.value));
      } catch (error) {
        throw new SecretKeyError(`${loaded.from} does not open the stored secrets (${(error as Error).message}); start with the key they were saved under`);
      }
    }
    secrets.#rebuild();
    secrets.#readAt = now();
    return secrets;
  }

  /** The key as hex, for the sandbox workers (they decrypt what core.secret reads). */
  get keyHex(): string {
    return this.loaded.key.toString('hex');
  }

  /** Where the key came from: QUICKJOBS_SECRET_KEY or the key file's path. */
  get keySource(): string {
    return this.loaded.from;
  }

  async list(): Promise<SecretInfo[]> {
    const stored = await this.store.listSecrets();
    return stored.map(({ name, updatedAt, updatedBy }) => ({ name, updatedAt, updatedBy }));
  }

  async set(name: string, value: string, by: string | null): Promise<SecretInfo> {
    const updatedAt = this.now();
    await this.store.putSecret({ name, value: encryptSecret(this.loaded.key, name, value), updatedAt, updatedBy: by });
    this.#values.set(name, value);
    this.#rebuild();
    return { name, updatedAt, updatedBy: by };
  }

  async delete(name: string): Promise<boolean> {
    const deleted = await this.store.deleteSecret(name);
    // Kept in the masker: runs recorded from here on still hide a value a job may have cached.
    return deleted;
  }

  /** Whether a secret of that name is stored now (a job's params may refer only to one that is). */
  async exists(name: string): Promise<boolean> {
    return (await this.store.getSecret(name)) !== null;
  }

  /**
   * The secret's value as stored now, or null when there is none (a job's `{"$secret": name}`
   * param). The value joins the masker before it is answered, so nothing can show it unmasked.
   */
  async value(name: string): Promise<string | null> {
    const stored = await this.store.getSecret(name);
    if (stored === null) return null;
    const value = decryptSecret(this.loaded.key, stored.name, stored.value);
    if (this.#values.get(name) !== value) {
      this.#values.set(name, value);
      this.#rebuild();
    }
    return value;
  }

  /** Masks every secret value this node has seen; reads the store again in the background when stale. */
  masker(): Masker {
    if (this.now() - this.#readAt > REFRESH_MS && !this.#refreshing) {
      this.#refreshing = this.#refresh().finally(() => {
        this.#refreshing = undefined;
      });
    }
    return this.#masker;
  }

  /** Re-reads the store now (a cluster peer may have set a secret). */
  async #refresh(): Promise<void> {
    try {
      const stored = await this.store.listSecrets();
      let changed = false;
      for (const secret of stored) {
        try {
          const value = decryptSecret(this.loaded.key, secret.name, secret.value);
          if (this.#values.get(secret.name) !== value) {
            this.#values.set(secret.name, value);
            changed = true;
          }
        } catch {
          // A value this key cannot open was written under another key; start-up reports that.
        }
      }
      if (changed) this.#rebuild();
    } catch {
      // The store is away; masking goes on with the values known.
    } finally {
      this.#readAt = this.now();
    }
  }

  #rebuild(): void {
    this.#masker = new Masker(this.#values.values());
  }
}

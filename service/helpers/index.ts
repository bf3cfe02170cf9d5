/**
 * The host side of the job helpers: answers every `core.*` I/O call of the sandbox with a
 * `[result, err, code]` tuple. It never rejects: an operational failure is a HelperError with its
 * code, anything else is a bug reported to the job as code -1.
 */
import { HOST_CALLS, type HelperFamily, type HelperMethod } from '../../sandbox/core-names.js';
import type { HostCall, HostCallContext, HostCallName, HostTuple } from '../../sandbox/types.js';
import type { Held } from '../jobs/held.js';
import type { DataStore } from '../store/data-store.js';
import { wrongType } from './args.js';
import type { HelperConfig } from './config.js';
import { DataHelper } from './data.js';
import { EmailHelper } from './email.js';
import { describeError, HELPER_CODES, HelperError } from './errors.js';
import { MysqlHelper } from './mysql.js';
import { NetworkHelper } from './network.js';
import { SecretHelper } from './secret.js';
import { DraftSessions } from './draft-session.js';

export type { HelperConfig } from './config.js';
export { readHelperConfig } from './config.js';

export interface HelperHost {
  /** Answers the guest's `core.*` calls; each sandbox worker builds its own (worker-host.ts). */
  call: HostCall;
  /** A safe draft ended: roll back and drop what it did, and answer what it held (secrets it read masked). */
  endDraft(draft: object): Promise<Held>;
  /** Masks in a log line or an error message every secret value handed to a job here. */
  redact(text: string): string;
  /** Ends the MySQL pools and the SMTP transport. */
  close(): Promise<void>;
}

/** Answers the host calls of one family; the compiler holds each to its family's methods. */
type Family<F extends HelperFamily> = (method: HelperMethod<F>, args: unknown[], context: HostCallContext) => Promise<unknown>;

const KNOWN: ReadonlySet<string> = new Set(HOST_CALLS);

/** `secretKey`: the key secrets are decrypted with (null: core.secret answers that none are available). */
export function createHelperHost(config: HelperConfig, deps: { store: DataStore; secretKey?: Buffer | null }): HelperHost {
  const mysql = new MysqlHelper(config.mysql);
  const email = new EmailHelper(config.email);
  const network = new NetworkHelper(config.network);
  const data = new DataHelper(deps.store, config.data);
  const secret = new SecretHelper(deps.store, deps.secretKey ?? null);
  const drafts = new DraftSessions({ mysql, store: deps.store, data: config.data, timeoutMs: config.mysql.timeoutMs });

  // A safe draft's calls go through its session (context.draft): held, rolled back, or scratch.
  const families: { [F in HelperFamily]: Family<F> } = {
    mysql: (method, a, c) => mysql.call(method, a, c, c.draft && drafts.session(c.draft).mysql),
    network: (method, a, c) => network.call(method, a, c, c.draft && drafts.session(c.draft).held),
    email: (_send, a, c) => email.send(a, c, c.draft && drafts.session(c.draft).held),
    data: (method, a, c) => (c.draft ? drafts.session(c.draft).data : data).call(method, a, c.jobName),
    secret: (_get, a) => secret.get(a),
  };

  async function call(name: HostCallName, args: unknown[], context: HostCallContext): Promise<HostTuple> {
    try {
      if (!KNOWN.has(name)) return [null, `unknown helper "${String(name)}"`, HELPER_CODES.unknown];
      if (!Array.isArray(args)) throw wrongType('arguments', 'a list', args);
      const [family, method] = name.split('.') as [HelperFamily, never];
      const result = await families[family](method, args, context);
      return [result === undefined ? null : result, null, null];
    } catch (error) {
      if (error instanceof HelperError) return [null, error.message, error.code];
      return [null, describeError(error), HELPER_CODES.unknown];
    }
  }

  return {
    call,
    endDraft: async (draft) => secret.masker.value(await drafts.end(draft)),
    redact: (text) => secret.masker.text(text),
    async close() {
      await Promise.allSettled([mysql.close(), email.close()]);
    },
  };
}

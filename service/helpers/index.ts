/**
 * The host side of the job helpers: answers every `core.*` I/O call of the sandbox with a
 * `[result, err, code]` tuple. It never rejects: an operational failure is a HelperError with its
 * code, anything else is a bug reported to the job as code -1.
 */
import type { HostCall, HostCallContext, HostCallName, HostTuple } from '../../sandbox/types.js';
import type { Store } from '../store/store.js';
import { wrongType } from './args.js';
import type { HelperConfig } from './config.js';
import { DataHelper } from './data.js';
import { EmailHelper } from './email.js';
import { describeError, HELPER_CODES, HelperError } from './errors.js';
import { MysqlHelper } from './mysql.js';
import { NetworkHelper } from './network.js';

export type { HelperConfig } from './config.js';
export { readHelperConfig } from './config.js';

export interface HostHandlers {
  /** Pass to the sandbox pool as `RunHooks.host`. */
  call: HostCall;
  /** Ends the MySQL pools and the SMTP transport. */
  close(): Promise<void>;
}

type Route = (args: unknown[], context: HostCallContext) => Promise<unknown>;

export function createHostHandlers(config: HelperConfig, deps: { store: Store }): HostHandlers {
  const mysql = new MysqlHelper(config.mysql);
  const email = new EmailHelper(config.email);
  const network = new NetworkHelper(config.network);
  const data = new DataHelper(deps.store, config.data);

  const routes: Record<HostCallName, Route> = {
    'mysql.query': (a, c) => mysql.call('query', a, c),
    'mysql.select': (a, c) => mysql.call('select', a, c),
    'mysql.selectOne': (a, c) => mysql.call('selectOne', a, c),
    'mysql.selectCount': (a, c) => mysql.call('selectCount', a, c),
    'mysql.insert': (a, c) => mysql.call('insert', a, c),
    'mysql.update': (a, c) => mysql.call('update', a, c),
    'mysql.delete': (a, c) => mysql.call('delete', a, c),
    'email.send': (a, c) => email.send(a, c),
    'network.request': (a, c) => network.call('request', a, c),
    'network.get': (a, c) => network.call('get', a, c),
    'network.post': (a, c) => network.call('post', a, c),
    'network.getJson': (a, c) => network.call('getJson', a, c),
    'network.postJson': (a, c) => network.call('postJson', a, c),
    'data.get': (a, c) => data.call('get', a, c.jobName),
    'data.save': (a, c) => data.call('save', a, c.jobName),
    'data.delete': (a, c) => data.call('delete', a, c.jobName),
    'data.getPage': (a, c) => data.call('getPage', a, c.jobName),
  };

  async function call(name: HostCallName, args: unknown[], context: HostCallContext): Promise<HostTuple> {
    try {
      const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
      if (!route) return [null, `unknown helper "${String(name)}"`, HELPER_CODES.unknown];
      if (!Array.isArray(args)) throw wrongType('arguments', 'a list', args);
      const result = await route(args, context);
      return [result === undefined ? null : result, null, null];
    } catch (error) {
      if (error instanceof HelperError) return [null, error.message, error.code];
      return [null, describeError(error), HELPER_CODES.unknown];
    }
  }

  return {
    call,
    async close() {
      await Promise.allSettled([mysql.close(), email.close()]);
    },
  };
}

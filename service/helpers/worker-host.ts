/**
 * The job helpers as an in-thread host for the sandbox pool (sandbox/in-thread-host.ts): each
 * sandbox worker imports this module and answers its guests' `core.*` calls itself, with its own
 * store connection and helper pools, so a call costs no hand-off to the main thread and back.
 */
import { nameConnections } from '../cluster/node-connections.js';
import type { StoreConfig } from '../config.js';
import { openDataStore } from '../store/data-store.js';
import type { HelperConfig } from './config.js';
import { createHelperHost, type HelperHost } from './index.js';

/** Plain data, cloned into every worker thread. */
export interface WorkerHostOptions {
  helpers: HelperConfig;
  store: StoreConfig;
  /** The secret key as hex, for core.secret; null when secrets are off (tests, the CLI). */
  secretKey?: string | null;
  /**
   * This node's id in a cluster (a MySQL store): the thread's store connections are named as the
   * node's, so a node that finds it dead ends them with the rest (cluster/node-connections.ts).
   */
  node?: string | null;
}

/** The pool's `host` option: this module, from source under tsx or from the build. */
export function workerHostSpec(options: WorkerHostOptions): { module: string; options: WorkerHostOptions } {
  const file = import.meta.url.endsWith('.ts') ? './worker-host.ts' : './worker-host.js';
  return { module: new URL(file, import.meta.url).href, options };
}

export async function createHost(options: unknown): Promise<HelperHost> {
  const { helpers, store: storeConfig, secretKey, node } = options as WorkerHostOptions;
  // SQLite in WAL mode takes several connections, and the store waits on a busy database.
  const store = await openDataStore(storeConfig, node ? { onPool: (pool) => nameConnections(pool, node) } : {});
  const handlers = createHelperHost(helpers, { store, secretKey: secretKey ? Buffer.from(secretKey, 'hex') : null });
  return {
    call: handlers.call,
    endDraft: handlers.endDraft,
    redact: handlers.redact,
    async close() {
      try {
        await handlers.close();
      } finally {
        await store.close();
      }
    },
  };
}

/**
 * Opens the store for this node and takes the node's place next to it: the SQLite file's lock
 * (one node per file), a store that takes writes, and on MySQL this node's place in the cluster
 * (joined before anything is scheduled). Whatever was taken is given back when a step fails.
 */
import type { Logger } from 'pino';

import { Cluster } from './cluster/cluster.js';
import { lockSqliteFile, type FileLock } from './cluster/sqlite-lock.js';
import type { CoreConfig } from './config.js';
import { StoreError } from './store/errors.js';
import { MysqlStore } from './store/mysql-store.js';
import { createStorePool, STORE_DEADLINE_MS } from './store/mysql/pool.js';
import { parseMysqlUrl } from './store/mysql/target.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

export interface NodeStore {
  store: Store;
  /** This node's place among several on one MySQL store; null for SQLite (one node). */
  cluster: Cluster | null;
  /** True when no other node was alive (always for SQLite): the boot rules of SPEC §4 apply. */
  clusterStart: boolean;
  /** Leaves the cluster and closes what `openNodeStore` opened for it, but not the store. */
  releasePlace(): Promise<void>;
  /** Releases the SQLite file's lock (after the store is closed). */
  releaseLock(): void;
}

/**
 * `prepare` runs once the store takes writes and before the node takes its place (reading what a
 * start needs, such as the secrets key): a node that fails it must not hold its id as if live.
 */
export async function openNodeStore(core: CoreConfig, nodeId: string, log: Logger, prepare: (store: Store) => Promise<void> = async () => {}): Promise<NodeStore> {
  const lock: FileLock | null = core.store.kind === 'sqlite' ? lockSqliteFile(core.store.file) : null;
  const store = await openStore(core.store, core.runHistory, { backgroundCheckpoint: true }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // A store that opens but cannot take a write (read-only file or folder, full disk) would fail
  // every run; refuse to start with the reason instead.
  const writable = await store.ping();
  if (!writable.ok) {
    await store.close();
    lock?.release();
    throw new StoreError(`cannot start: the ${writable.kind} store does not take writes (${writable.detail})`);
  }
  try {
    await prepare(store);
  } catch (error) {
    await store.close();
    lock?.release();
    throw error;
  }
  // Several nodes on one MySQL store: take this node's place before anything is scheduled.
  const clusterPool = core.store.kind === 'mysql' ? createStorePool(parseMysqlUrl(core.store.url), STORE_DEADLINE_MS) : null;
  const namedPools = store instanceof MysqlStore ? [store.pool] : [];
  const cluster = clusterPool === null ? null : new Cluster({ pool: clusterPool, id: nodeId, store, log, namedPools });
  let clusterStart = true;
  if (cluster !== null) {
    try {
      ({ clusterStart } = await cluster.join());
    } catch (error) {
      await clusterPool!.end().catch(() => undefined);
      await store.close();
      throw error;
    }
    log.info({ node: nodeId, clusterStart }, clusterStart ? 'started the cluster' : 'joined a live cluster');
  }
  return {
    store,
    cluster,
    clusterStart,
    async releasePlace() {
      await cluster?.leave();
      await clusterPool?.end().catch(() => undefined);
    },
    releaseLock: () => lock?.release(),
  };
}

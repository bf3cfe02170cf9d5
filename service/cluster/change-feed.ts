/**
 * This node's reader of the change feed: every change another node announces (a job created,
 * edited or deleted, periods edited, a reload) reaches this node's scheduler within about
 * FEED_POLL_MS, by reading only the new entries; every FULL_SYNC_MS it also reads every job again,
 * in case an announcement was lost.
 */
import type { Store } from '../store/store.js';
import type { Change, ClusterTable } from './cluster-table.js';
import type { ClusterScheduler } from './cluster-scheduler.js';
import { FULL_SYNC_MS } from './timing.js';

export interface ChangeFeedOptions {
  table: ClusterTable;
  store: Pick<Store, 'getJob'>;
  scheduler: ClusterScheduler;
  /** This node's id: its own announcements are skipped (it acted on them already). */
  node: string;
  /** Where the feed stood when this node joined. */
  from: number;
  now: () => number;
  /** Reads the periods again. */
  refreshPeriods: () => Promise<void>;
  /** Reads every job again and re-arms this node's share. */
  resync: () => Promise<void>;
}

export class ChangeFeed {
  private seq: number;
  private polling = false;
  private lastFullSync: number;

  constructor(private readonly options: ChangeFeedOptions) {
    this.seq = options.from;
    this.lastFullSync = options.now();
  }

  /** The scheduler took every job as the store has it: the next full read is due FULL_SYNC_MS from now. */
  synced(): void {
    this.lastFullSync = this.options.now();
  }

  /** One poll; overlapping calls are skipped. Throws what the store throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { table, node } = this.options;
      if (this.options.now() - this.lastFullSync > FULL_SYNC_MS) await this.options.resync();
      const changes = await table.changesAfter(this.seq);
      for (const change of changes) {
        this.seq = change.seq;
        if (change.node !== node) await this.apply(change);
      }
      if (changes.length > 0 && this.seq % 1000 === 0) await table.pruneChanges(this.seq - 1000);
    } finally {
      this.polling = false;
    }
  }

  private async apply(change: Change): Promise<void> {
    const { scheduler, store } = this.options;
    if (change.kind === 'periods') return this.options.refreshPeriods();
    if (change.kind === 'reload') {
      await this.options.refreshPeriods();
      return this.options.resync();
    }
    if (change.job === null) return this.options.resync();
    const known = scheduler.list().some((job) => job.name === change.job);
    if (change.kind === 'delete') {
      if (known) scheduler.remove(change.job);
      return;
    }
    const job = await store.getJob(change.job);
    if (job !== null) scheduler.upsert(job);
    else if (known) scheduler.remove(change.job);
  }
}

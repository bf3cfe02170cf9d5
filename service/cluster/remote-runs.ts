/**
 * Runs in flight on the other nodes, as this node's /events shows them: the store is read every
 * REMOTE_RUNS_POLL_MS for the runs in flight elsewhere (one index range read: only runs in flight
 * have an `in_flight_job`), and a job whose run started or ended on another node is emitted as a
 * job change here, the ended one read again from the store first (its status, last run and next
 * slot moved with the run's end, which is not announced in the change feed).
 */
import type { ServiceEvents } from '../events/service-events.js';
import type { Store } from '../store/store.js';
import type { ClusterTable } from './cluster-table.js';
import type { ClusterScheduler } from './cluster-scheduler.js';

export interface RemoteRunsOptions {
  table: ClusterTable;
  store: Pick<Store, 'getJob'>;
  scheduler: ClusterScheduler;
  events: ServiceEvents;
  node: string;
}

export class RemoteRuns {
  private running = new Set<string>();
  private polling = false;

  constructor(private readonly options: RemoteRunsOptions) {}

  /** Whether a run of the job is in flight on another node, as of the last poll. */
  has(job: string): boolean {
    return this.running.has(job);
  }

  /** One poll; overlapping calls are skipped. Throws what the store throws. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { table, scheduler, events, store, node } = this.options;
      const now = new Set(await table.jobsInFlightElsewhere(node));
      const before = this.running;
      this.running = now;
      const known = new Map(scheduler.list().map((job) => [job.name, job]));
      for (const name of now) {
        const job = known.get(name);
        if (!before.has(name) && job !== undefined) events.emit('job', job, true);
      }
      for (const name of before) {
        if (now.has(name) || !known.has(name)) continue;
        const job = await store.getJob(name);
        if (job !== null) scheduler.upsert(job); // emits it, not running here
      }
    } finally {
      this.polling = false;
    }
  }
}

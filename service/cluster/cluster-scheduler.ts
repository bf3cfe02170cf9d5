import type { Job } from '../jobs/types.js';
import type { LocalCancel } from './remote-cancels.js';

/** What the cluster needs of the scheduler. */
export interface ClusterScheduler extends LocalCancel {
  sync(jobs: Job[]): void;
  upsert(job: Job): void;
  remove(name: string): void;
  list(): Job[];
  readonly runningCount: number;
  /** Ends every run in flight on this node as interrupted; how many. */
  interruptAll(reason: string): number;
}

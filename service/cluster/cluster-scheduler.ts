import type { Job } from '../jobs/types.js';

/** What the cluster needs of the scheduler. */
export interface ClusterScheduler {
  sync(jobs: Job[]): void;
  upsert(job: Job): void;
  remove(name: string): void;
  list(): Job[];
  readonly runningCount: number;
}

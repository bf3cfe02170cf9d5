/**
 * The next runs of a job, for the job form and `GET /jobs/:name/upcoming`: pure math over the
 * same functions the scheduler plans with, its period applied. Besides when it will run, it lists
 * the slots of its cadence that its period skips, so a person sees the period's effect.
 */
import type { Job } from '../jobs/types.js';
import { slotAfter } from './cadence.js';
import type { CompiledPeriod } from './period-compile.js';
import { isInside } from './period-math.js';
import { type UpcomingRun, upcomingRuns } from './period-plan.js';

/** How many cadence slots the search for skipped ones walks at most (an every-second job behind a weekend-long closing). */
const MAX_SLOTS_WALKED = 10_000;

export interface Upcoming {
  /** When it will run, and the slot each run counts as. */
  runs: UpcomingRun[];
  /** Slots of its cadence, up to its last run listed, that fall outside its period (at most as many as the runs asked for). */
  skipped: number[];
}

/**
 * Up to `n` runs of `job` from `now`, assuming each returns `OK`: none while it is inactive,
 * stopped, exited or a done Run Once job; one for a job asleep or a pending Run Once job.
 */
export function upcoming(job: Job, period: CompiledPeriod | null, now: number, n: number, defaultTz: string): Upcoming {
  if (!job.active || job.nextRunAt === null) return { runs: [], skipped: [] };
  if (job.status === 'stop' || job.status === 'exit' || job.status === 'once-done') return { runs: [], skipped: [] };
  const runs = upcomingRuns(job, period, now, job.status === 'sleep' ? 1 : n, defaultTz);
  return { runs, skipped: period === null || job.status === 'sleep' ? [] : skippedSlots(job, period, runs, n, defaultTz) };
}

/** The slots from the job's pending one to its last listed run (all it would walk, if it never runs) that the period leaves out. */
function skippedSlots(job: Job, period: CompiledPeriod, runs: UpcomingRun[], n: number, defaultTz: string): number[] {
  const last = runs.at(-1);
  const end = last === undefined ? Number.POSITIVE_INFINITY : Math.max(last.at, last.scheduledAt);
  const skipped: number[] = [];
  let slot: number | null = job.nextRunAt;
  for (let walked = 0; slot !== null && slot <= end && skipped.length < n && walked < MAX_SLOTS_WALKED; walked++) {
    if (!isInside(period, slot)) skipped.push(slot);
    slot = slotAfter(job, slot, defaultTz);
  }
  return skipped;
}

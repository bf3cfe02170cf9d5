/**
 * A job's cadence: when its slots fall, and where it stands after it missed some. Interval
 * arithmetic is division, cron a binary search, so catching up after months of downtime costs the
 * same as after a second.
 */
import type { Job } from '../jobs/types.js';
import { latestCronSlot, nextCronSlot } from './cron.js';

export type Schedule = Pick<Job, 'interval' | 'cron' | 'timezone'>;

/**
 * The first slot after `after`: interval → `after + interval`; cron → its next slot in the job's
 * zone (or `defaultTz`). Null when a cron expression has no slot left (or, for a job with neither,
 * which the edge never lets through).
 */
export function slotAfter(job: Schedule, after: number, defaultTz: string): number | null {
  if (job.interval !== null) return after + job.interval * 1000;
  if (job.cron !== null) return nextCronSlot(job.cron, job.timezone ?? defaultTz, after);
  return null;
}

/**
 * For a slot `due` <= `now`: the latest slot on the same cadence that is <= `now` (where a
 * catch-up run counts from) and the first slot > `now` (where skipping leads).
 */
export function catchUp(job: Schedule, due: number, now: number, defaultTz: string): { latest: number; following: number | null } {
  if (job.interval !== null) {
    const step = job.interval * 1000;
    const latest = due + Math.floor((now - due) / step) * step;
    return { latest, following: latest + step };
  }
  if (job.cron !== null) {
    const timeZone = job.timezone ?? defaultTz;
    return {
      latest: latestCronSlot(job.cron, timeZone, due - 1, now) ?? due,
      following: nextCronSlot(job.cron, timeZone, now),
    };
  }
  return { latest: due, following: null };
}

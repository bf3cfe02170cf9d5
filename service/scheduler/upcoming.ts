/**
 * The next slot times of a cadence, for the job form and `GET /jobs/:name/upcoming`: pure math
 * over cadence.ts, the same the scheduler plans with.
 */
import { type Schedule, slotAfter } from './cadence.js';

/** Up to `n` slots, the first being `first` itself; fewer when a cron expression runs out. */
export function upcomingSlots(schedule: Schedule, first: number, n: number, defaultTz: string): number[] {
  const slots: number[] = [];
  let slot: number | null = first;
  while (slot !== null && slots.length < n) {
    slots.push(slot);
    slot = slotAfter(schedule, slot, defaultTz);
  }
  return slots;
}

/** Up to `n` slots of an unsaved schedule, counted from `now` as a new job's would be. */
export function previewSlots(schedule: Schedule, now: number, n: number, defaultTz: string): number[] {
  const first = slotAfter(schedule, now, defaultTz);
  return first === null ? [] : upcomingSlots(schedule, first, n, defaultTz);
}

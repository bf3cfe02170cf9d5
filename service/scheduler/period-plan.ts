/**
 * How a job's period (SPEC §12) bends its schedule, as pure functions. The stored `nextRunAt`
 * stays the job's next slot on its cadence (the first one not yet run or skipped), so cadence
 * keeps counting from the original slots; the period only decides when the scheduler looks at the
 * job again (`wakeAt`) and whether it runs then (`planDueInPeriod`). A job waiting for a closed
 * period therefore has one timer at the opening, not one per skipped slot, and a period edit
 * needs no store write: the wake times are computed again.
 */
import type { Job } from '../jobs/types.js';
import { catchUp, slotAfter } from './cadence.js';
import { nextCronSlot } from './cron.js';
import type { CompiledPeriod } from './period-compile.js';
import { isInside, nextOpening } from './period-math.js';
import type { DuePlan } from './plan.js';

/** How many openings a search for a slot inside the period tries before it gives up. */
const MAX_OPENINGS_TRIED = 1000;

/** Whether the period applies to the job's next wake: not to a Run Once at boot, nor to an inactive job. */
function limited(job: Job, period: CompiledPeriod | null): period is CompiledPeriod {
  return period !== null && job.active && (job.status === 'ok' || job.status === 'sleep');
}

/**
 * When the scheduler should next look at the job. Without a period, its `nextRunAt`. With one:
 * `missed: "once"` (and a wake from `sleep`) at the first instant from the slot (or `now`, if the
 * slot has passed) at which the period is inside, so a skipped slot runs once at the opening;
 * `missed: "skip"` at its first slot that falls inside.
 */
export function wakeAt(job: Job, period: CompiledPeriod | null, now: number, defaultTz: string): number | null {
  if (!job.active || job.nextRunAt === null) return null;
  if (!limited(job, period)) return job.nextRunAt;
  if (job.status === 'sleep' || job.missed === 'once') return nextOpening(period, Math.max(job.nextRunAt, now));
  return firstSlotInside(job, period, job.nextRunAt, defaultTz);
}

/** The first slot >= `slot` (itself a slot) that the period covers, or null if none within the search. */
export function firstSlotInside(job: Job, period: CompiledPeriod, slot: number, defaultTz: string): number | null {
  let at = slot;
  for (let tried = 0; tried < MAX_OPENINGS_TRIED; tried++) {
    if (isInside(period, at)) return at;
    const open = nextOpening(period, at);
    if (open === null) return null;
    const next = slotAtOrAfter(job, at, open, defaultTz);
    if (next === null) return null;
    at = next;
  }
  return null;
}

/** The first slot >= `time` on the cadence through `slot`. */
function slotAtOrAfter(job: Job, slot: number, time: number, defaultTz: string): number | null {
  if (job.interval !== null) {
    const step = job.interval * 1000;
    return slot + Math.ceil((time - slot) / step) * step;
  }
  return job.cron === null ? null : nextCronSlot(job.cron, job.timezone ?? defaultTz, time - 1);
}

/**
 * planDue for a job with a period, at `now` >= its wake. `once`: a slot that falls inside runs as
 * scheduled; a skipped one runs once when the period is inside, counted as the latest slot so the
 * cadence continues; while it is closed the job waits (no patch: its wake is the next opening).
 * `skip`: the first slot inside runs if it is not a whole slot late; otherwise the job moves on to
 * its first slot after now.
 */
export function planDueInPeriod(job: Job, now: number, defaultTz: string, period: CompiledPeriod): DuePlan {
  const due = job.nextRunAt!;
  const waiting: DuePlan = { run: false, scheduledAt: due };
  if (job.status === 'sleep') return isInside(period, now) ? { run: true, scheduledAt: due } : waiting;
  if (job.missed === 'once') {
    if (due > now) return waiting;
    const next = slotAfter(job, due, defaultTz);
    if (isInside(period, due) && (next === null || next > now)) return { run: true, scheduledAt: due };
    if (!isInside(period, now)) return waiting;
    return { run: true, scheduledAt: catchUp(job, due, now, defaultTz).latest };
  }
  const first = firstSlotInside(job, period, due, defaultTz);
  if (first === null || first > now) return waiting;
  const next = slotAfter(job, first, defaultTz);
  if (next === null || next > now) return { run: true, scheduledAt: first };
  const { latest, following } = catchUp(job, first, now, defaultTz);
  return { run: false, scheduledAt: latest, patch: { nextRunAt: following } };
}

/** Whether the job is held back by its closed period, and when that opens (for the webmin's hover). */
export function periodWait(job: Job, period: CompiledPeriod | null, now: number): { opensAt: number | null } | null {
  if (!limited(job, period) || job.nextRunAt === null) return null;
  const from = Math.max(job.nextRunAt, now);
  if (isInside(period, from)) return null;
  return { opensAt: nextOpening(period, from) };
}

export interface UpcomingRun {
  /** When it will run. */
  at: number;
  /** The slot the run counts as. */
  scheduledAt: number;
}

/**
 * The job's next `n` scheduled runs from `now`, its period applied, assuming each returns `OK`
 * in no time (the upcoming-slots list and the schedule preview).
 */
export function upcomingRuns(job: Job, period: CompiledPeriod | null, now: number, n: number, defaultTz: string): UpcomingRun[] {
  const runs: UpcomingRun[] = [];
  let current = job;
  let at = now;
  for (let step = 0; runs.length < n && step < n * 4 + 16; step++) {
    const wake = wakeAt(current, period, at, defaultTz);
    if (wake === null) break;
    at = Math.max(at, wake);
    const plan = limited(current, period) ? planDueInPeriod(current, at, defaultTz, period) : { run: true, scheduledAt: current.nextRunAt! };
    if (plan.run) {
      runs.push({ at, scheduledAt: plan.scheduledAt });
      if (current.runOnce) break;
      const next = slotAfter(current, plan.scheduledAt, defaultTz);
      current = { ...current, status: 'ok', nextRunAt: next };
    } else if (plan.patch) {
      current = { ...current, ...plan.patch };
    } else {
      break; // waiting with nothing to wait for: the period never opens
    }
  }
  return runs;
}

/**
 * The schedule's state transitions (SPEC §4) as pure functions: each takes a job and the time and
 * returns the patch to store, touching only status and schedule fields. The tick loop, the job
 * service and boot/reload apply them; nothing here reads a clock or does I/O.
 */
import type { Job, JobResult, JobStatus, RunTrigger } from '../jobs/types.js';
import type { JobPatch } from '../store/store.js';
import { catchUp, slotAfter } from './cadence.js';
import type { CompiledPeriod } from './period-compile.js';
import { planDueInPeriod } from './period-plan.js';

export { slotAfter };

const DAY_MS = 86_400_000;

/** Statuses with a slot counted on the job's cadence (edits move it; `sleep` waits out its day). */
const ON_CADENCE: ReadonlySet<JobStatus> = new Set(['ok', 'once-pending']);

/** What planAfterRun needs to know about a finished scheduled run. */
export interface RunFacts {
  trigger: RunTrigger;
  scheduledAt: number;
  startedAt: number;
  /** What `job.run` returned; null when it ended with an error. */
  result: JobResult | null;
  /** The message of an error or timeout; null for a valid return. */
  error: string | null;
  /** Cut short through no fault of its own (its sandbox thread died of another run's fault). */
  interrupted?: boolean;
  /** A person cancelled it: not an error, so the job keeps its status and cadence. */
  cancelled?: boolean;
}

export interface DuePlan {
  run: boolean;
  /** The slot the run counts as (its `scheduledAt`); with `run` false, the latest slot passed. */
  scheduledAt: number;
  patch?: JobPatch;
}

export type RunEventName = 'failed' | 'recovered';

export interface AfterRunPlan {
  patch: JobPatch;
  /** `failed`: deactivated by an error; `recovered`: succeeded after that. Alerts go out for both. */
  event: RunEventName | null;
}

/** A new job: active ones first run one slot from now. */
export function planCreate(job: Job, now: number, defaultTz: string): JobPatch {
  if (!job.active) return { status: 'exit', nextRunAt: null };
  return { status: job.runOnce ? 'once-pending' : 'ok', nextRunAt: slotAfter(job, now, defaultTz) };
}

/**
 * After a person's edit (`before` as stored, `after` with the edit applied). A changed interval
 * counts from the moment the pending slot was counted from (the last scheduled run, creation,
 * reactivation or boot), never earlier than now; a changed cron or zone starts at its next slot.
 */
export function planEdit(before: Job, after: Job, now: number, defaultTz: string): JobPatch {
  if (!after.active) return before.active ? { status: 'exit', nextRunAt: null } : {};
  if (!before.active) return { status: after.runOnce ? 'once-pending' : 'ok', nextRunAt: slotAfter(after, now, defaultTz) };

  const patch: JobPatch = {};
  let status = after.status;
  if (after.runOnce !== before.runOnce) {
    if (after.runOnce && status === 'ok') status = 'once-pending';
    if (!after.runOnce && status === 'once-pending') status = 'ok';
    // A done Run Once job turned recurring starts its cadence now.
    if (!after.runOnce && status === 'once-done') return { status: 'ok', nextRunAt: slotAfter(after, now, defaultTz) };
    if (status !== after.status) patch.status = status;
  }
  if (!ON_CADENCE.has(status)) return patch;

  const switched = (before.interval === null) !== (after.interval === null);
  const cronMoved =
    after.cron !== null && (after.cron !== before.cron || (after.timezone ?? defaultTz) !== (before.timezone ?? defaultTz));
  if (switched || cronMoved) {
    patch.nextRunAt = slotAfter(after, now, defaultTz);
  } else if (after.interval !== null && after.interval !== before.interval) {
    patch.nextRunAt = Math.max(now, intervalAnchor(before) + after.interval * 1000);
  }
  return patch;
}

/** Where `before`'s pending interval slot was counted from. */
function intervalAnchor(before: Job): number {
  if (before.interval !== null && before.nextRunAt !== null) return before.nextRunAt - before.interval * 1000;
  return before.lastScheduledAt ?? before.createdAt;
}

/**
 * At service start. Schedules survive a restart; `stop` becomes `ok` with a fresh slot and Run
 * Once jobs are pending again, one slot after boot. Missed slots are planDue's business.
 */
export function planBoot(job: Job, bootAt: number, defaultTz: string): JobPatch {
  if (!job.active) return job.status === 'exit' && job.nextRunAt === null ? {} : { status: 'exit', nextRunAt: null };
  if (job.runOnce) return { status: 'once-pending', nextRunAt: slotAfter(job, bootAt, defaultTz) };
  // `ok` and `sleep` keep their slot; anything else here (`stop`, or a Run Once status left by an
  // edit) starts afresh.
  if (job.status !== 'ok' && job.status !== 'sleep') return { status: 'ok', nextRunAt: slotAfter(job, bootAt, defaultTz) };
  return job.nextRunAt === null ? { nextRunAt: slotAfter(job, bootAt, defaultTz) } : {};
}

/** On reload: stopped jobs count a fresh slot; every other job keeps its remaining time (null). */
export function planReload(job: Job, now: number, defaultTz: string): JobPatch | null {
  if (!job.active || job.status !== 'stop') return null;
  return { status: 'ok', nextRunAt: slotAfter(job, now, defaultTz) };
}

/**
 * For a job whose `nextRunAt` <= `now`. Late by less than a slot: run it as scheduled. Missed
 * slots (the next one is also <= now): `once` runs a single catch-up counted as the latest slot <=
 * now, so the cadence continues from there and nothing is replayed; `skip` runs nothing and moves
 * to the first slot > now. A wake-up from `sleep` and a pending Run Once are single points, not a
 * cadence, so they always run. A job with a `period` is planned by planDueInPeriod (period-plan.ts).
 */
export function planDue(job: Job, now: number, defaultTz: string, period: CompiledPeriod | null = null): DuePlan {
  const due = job.nextRunAt;
  if (!job.active || due === null) return { run: false, scheduledAt: now };
  if (period !== null && (job.status === 'ok' || job.status === 'sleep')) return planDueInPeriod(job, now, defaultTz, period);
  if (job.status === 'sleep' || job.status === 'once-pending') return { run: true, scheduledAt: due };
  const next = slotAfter(job, due, defaultTz);
  if (next === null || next > now) return { run: true, scheduledAt: due };
  const { latest, following } = catchUp(job, due, now, defaultTz);
  if (job.missed === 'once') return { run: true, scheduledAt: latest };
  return { run: false, scheduledAt: latest, patch: { nextRunAt: following } };
}

/** After a scheduled (or boot) run ended. Manual runs change no state and never come here. */
export function planAfterRun(job: Job, run: RunFacts, now: number, defaultTz: string): AfterRunPlan {
  const ran: JobPatch = { lastRunAt: run.startedAt, lastScheduledAt: run.scheduledAt };
  if (run.cancelled) {
    // Neither a result nor an error: status, last result and error stay; the next slot is on cadence.
    return { patch: { ...ran, nextRunAt: onCadence(job, run.scheduledAt, now, defaultTz) }, event: null };
  }
  if (run.interrupted) {
    // Not the job's doing: it stays active, its last result and error stand, and it runs at its
    // next slot (a Run Once job runs again now).
    const next: JobPatch = job.runOnce
      ? { status: 'once-pending', nextRunAt: now }
      : { status: 'ok', nextRunAt: onCadence(job, run.scheduledAt, now, defaultTz) };
    return { patch: { ...ran, ...next }, event: null };
  }
  if (run.error === null && run.result !== null) {
    return {
      patch: { ...ran, lastResult: run.result, lastError: null, failing: false, ...afterResult(job, run, run.result, now, defaultTz) },
      event: job.failing ? 'recovered' : null,
    };
  }
  // An invalid return is reported as an error by the runner; a null result without one is a runner
  // bug, treated the same way rather than as success.
  const message = run.error ?? 'the run ended without a result';
  if (job.onError === 'continue') {
    const next: JobPatch = job.runOnce
      ? { status: 'once-done', nextRunAt: null }
      : { status: 'ok', nextRunAt: onCadence(job, run.scheduledAt, now, defaultTz) };
    return { patch: { ...ran, lastResult: null, lastError: message, ...next }, event: null };
  }
  return {
    patch: { ...ran, status: 'exit', active: false, nextRunAt: null, lastResult: null, lastError: message, failing: true },
    event: 'failed',
  };
}

function afterResult(job: Job, run: RunFacts, result: JobResult, now: number, defaultTz: string): JobPatch {
  if (result === 'EXIT') return { status: 'exit', active: false, nextRunAt: null };
  if (job.runOnce) return { status: 'once-done', nextRunAt: null };
  switch (result) {
    case 'OK':
      return { status: 'ok', nextRunAt: onCadence(job, run.scheduledAt, now, defaultTz) };
    case 'SLEEP':
      return { status: 'sleep', nextRunAt: run.startedAt + DAY_MS };
    case 'STOP':
      return { status: 'stop', nextRunAt: null };
  }
}

/**
 * The slot after `scheduledAt`, counted from the slot rather than the finish so there is no drift.
 * If the run overran it, the missed policy applies as in planDue: `once` makes the job due now
 * (at the latest slot <= now), `skip` moves to the first slot > now.
 */
export function onCadence(job: Job, scheduledAt: number, now: number, defaultTz: string): number | null {
  const next = slotAfter(job, scheduledAt, defaultTz);
  if (next === null || next > now) return next;
  const { latest, following } = catchUp(job, next, now, defaultTz);
  return job.missed === 'once' ? latest : following;
}

/**
 * The slot `slot` was already claimed in the store (another node ran it, or this node before a
 * crash): the job as this node keeps it in memory until the store says more. Nothing is written;
 * the run that has the slot writes the state it leads to.
 */
export function planSlotTaken(job: Job, slot: number, now: number, defaultTz: string): Job {
  if (!job.active || job.nextRunAt === null || job.nextRunAt > slot) return job;
  if (job.status === 'once-pending') return { ...job, status: 'once-done', nextRunAt: null };
  if (job.status === 'sleep') return { ...job, nextRunAt: slot + DAY_MS };
  return { ...job, nextRunAt: onCadence(job, slot, now, defaultTz) };
}

/**
 * The tick loop: a thin shell around the pure plans of plan.ts. It keeps every job in memory with
 * a min-heap of due times, sleeps until the earliest (never longer than `maxSleepMs`, re-reading the
 * clock on waking), and launches what is due: the run recorder records the start, the `Runner`
 * executes, the recorder records the end with the state it leads to. Each transition is written to
 * the store before it is acted on.
 */
import type { Logger } from 'pino';
import type { By, InFlightOutcome, Job, RunRecord } from '../jobs/types.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { JobPatch, Store } from '../store/store.js';
import { JobBusyError, JobNotFoundError, SlotTakenError } from '../store/errors.js';
import { AlreadyRunningError, NodeNotHoldingError } from './errors.js';
import type { CompiledPeriod } from './period-compile.js';
import { periodWait, wakeAt } from './period-plan.js';
import { planBoot, planDue, planReload, planSlotTaken } from './plan.js';
import { RunRecorder, type FinishedRun, type StartedRun } from './run-recorder.js';
import type { DraftCode, RunOutcome, Runner, RunStart } from './runner.js';
import { InFlight } from './in-flight.js';
import { TimerHeap } from './timer-heap.js';

export type SchedulerStatus = 'running' | 'reloading';

export type RunEvent = 'failed' | 'recovered' | null;

export interface SchedulerOptions {
  store: Store;
  runner: Runner;
  events: ServiceEvents;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Zone for cron jobs without their own. */
  timeZone: string;
  /** The clock slots are planned and compared by: the wall clock, or in a cluster the server's. */
  now?: () => number;
  /** A time a sandbox thread read on this machine's wall clock, on `now`'s clock; the identity by default. */
  fromWallClock?: (at: number) => number;
  /**
   * The longest the loop sleeps before re-reading the clock: a long timer drifts across laptop
   * suspend and cannot exceed 2^31 ms anyway.
   */
  maxSleepMs?: number;
  /** After every recorded run (alerts, metrics). Must not throw or block. */
  onRunFinished?: (job: Job, run: RunRecord, event: RunEvent) => void;
  /** After a store failure (metrics). */
  onStoreError?: (error: unknown) => void;
  /** Once a run is recorded as running, before it executes (live logs). */
  onRunStarted?: (run: StartedRun) => void;
  /** Waits between tries of a run's end the store refused; see FinishQueue. */
  finishRetryDelaysMs?: readonly number[];
  /** This node's id, recorded on each run it starts. */
  node?: string | null;
  /**
   * Whether this node schedules the job now (its share of the cluster, and only while it holds its
   * place in the store). A single node owns every job.
   */
  owns?: (name: string) => boolean;
  /** Whether this node holds its place in the cluster now; always in a single node. */
  holding?: () => boolean;
}

/** How soon a job whose claim met a run in flight elsewhere (or a stale copy) is tried again. */
const BUSY_RETRY_MS = 500;

/** How long a job waits before the loop retries it after the store failed to record its run. */
const STORE_RETRY_MS = 5_000;


export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private periods: ReadonlyMap<string, CompiledPeriod> = new Map();
  private readonly heap = new TimerHeap();
  private readonly flight = new InFlight();
  private readonly recorder: RunRecorder;
  private readonly now: () => number;
  private readonly owns: (name: string) => boolean;
  private readonly maxSleepMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private reloading: Promise<void> | null = null;

  status: SchedulerStatus = 'running';
  bootedAt = 0;
  reloadedAt: number | null = null;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
    this.owns = options.owns ?? (() => true);
    this.maxSleepMs = options.maxSleepMs ?? 5_000;
    this.recorder = new RunRecorder({
      store: options.store,
      timeZone: options.timeZone,
      now: this.now,
      fromWallClock: options.fromWallClock,
      log: options.log,
      retryDelaysMs: options.finishRetryDelaysMs,
      onError: options.onStoreError,
      node: options.node ?? null,
      holding: options.holding,
    });
  }

  /**
   * Loads every job, records runs that were in flight when the process died as interrupted, applies
   * the boot rules of the schedule (stop → ok, Run Once pending again) and starts the loop. A node
   * of a cluster interrupts only the runs it recorded itself (`ownRunsOnly`: the others belong to
   * live nodes), and one joining a live cluster skips the boot rules (`fresh` false): they belong
   * to a cluster start.
   */
  async start(boot: { fresh: boolean; ownRunsOnly: boolean } = { fresh: true, ownRunsOnly: false }): Promise<void> {
    const { store, timeZone, log } = this.options;
    this.bootedAt = this.now();
    const node = boot.ownRunsOnly ? (this.options.node ?? undefined) : undefined;
    const interrupted = await store.interruptRunning(this.bootedAt, 'the service stopped while this run was in flight', node);
    if (interrupted > 0) log.warn({ interrupted }, 'recorded runs left in flight by the previous process as interrupted');
    const jobs = await store.listJobs();
    const patches: Array<{ name: string; patch: JobPatch }> = [];
    for (const job of jobs) {
      const patch = boot.fresh ? planBoot(job, this.bootedAt, timeZone) : {};
      if (Object.keys(patch).length > 0) patches.push({ name: job.name, patch });
      this.cache({ ...job, ...patch });
    }
    await store.updateJobs(patches);
    this.stopped = false;
    this.arm();
  }

  /**
   * Takes every job as the store has them now (another node changed them, or this node's share
   * changed) and re-arms the loop for the jobs it owns. Runs in flight are not disturbed.
   */
  sync(jobs: Job[]): void {
    const seen = new Set<string>();
    for (const job of jobs) {
      seen.add(job.name);
      const before = this.jobs.get(job.name);
      this.cache(job);
      if (before?.updatedAt !== job.updatedAt) this.options.events.emit('job', job, this.flight.has(job.name));
    }
    for (const name of [...this.jobs.keys()]) if (!seen.has(name)) this.remove(name);
    this.arm();
  }

  /** Runs that have ended but whose end waits for the store to take it. */
  get unrecordedCount(): number {
    return this.recorder.waiting;
  }

  /** Stops trying to record ends the store refused (it is closing); they are left for the next boot. */
  stopRecording(): void {
    this.recorder.stop();
  }

  /** Stops launching runs; runs in flight go on (see `waitForRuns`). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Launches every job due at `now`. Exposed so tests drive the loop with a fake clock. */
  tick(now: number): void {
    for (const name of this.heap.popDue(now)) {
      const job = this.jobs.get(name);
      if (!job || this.flight.has(name)) continue; // re-armed when its run ends
      if (!this.owns(name)) continue; // another node's share; re-armed if it becomes ours
      const due = planDue(job, now, this.options.timeZone, this.periodOf(job));
      if (due.run) {
        this.launch(job, due.scheduledAt);
      } else if (due.patch) {
        void this.apply(name, due.patch);
      } else {
        this.cache(job); // waiting for its period: back in the heap at the opening
      }
    }
  }

  /**
   * Takes the periods as they now are (compiled, excludes linked) and recomputes when every job
   * that uses one next wakes: an edit applies at once, with no store write.
   */
  setPeriods(periods: ReadonlyMap<string, CompiledPeriod>): void {
    this.periods = periods;
    for (const job of this.jobs.values()) {
      if (job.period === null) continue;
      this.cache(job);
      this.options.events.emit('job', job, this.flight.has(job.name));
    }
    this.arm();
  }

  /** When the job next runs, its period applied (the API's `nextRunAt`). */
  nextRunFor(job: Job): number | null {
    return wakeAt(job, this.periodOf(job), this.now(), this.options.timeZone);
  }

  /** Whether the job waits for its period to open, and when it opens; null when it does not wait. */
  periodWaitFor(job: Job): { period: string; opensAt: number | null } | null {
    const wait = periodWait(job, this.periodOf(job), this.now());
    return wait === null ? null : { period: job.period!, opensAt: wait.opensAt };
  }

  /** A job's period as compiled; null for none (or a name no period has, which the edge refuses). */
  private periodOf(job: Job): CompiledPeriod | null {
    return job.period === null ? null : (this.periods.get(job.period) ?? null);
  }

  list(): Job[] {
    return [...this.jobs.values()];
  }

  /** The job as the scheduler holds it (kept current by every change, on every node); undefined when it holds none. */
  job(name: string): Job | undefined {
    return this.jobs.get(name);
  }

  isRunning(name: string): boolean {
    return this.flight.has(name);
  }

  /** Runs executing on a sandbox thread now (their job's code began, or is about to). */
  get runningCount(): number {
    return this.flight.runningCount;
  }

  /** Runs recorded and waiting for a sandbox thread. */
  get queuedCount(): number {
    return this.flight.queuedCount;
  }

  /** Whether run `id` waits for a thread or runs on one; undefined once it ended (or if it is not this process's). */
  inFlight(id: number): InFlightOutcome | undefined {
    return this.flight.outcome(id);
  }

  /** Takes a job as the store now has it (created or edited) and schedules it from its state. */
  upsert(job: Job): void {
    this.cache(job);
    this.options.events.emit('job', job, this.flight.has(job.name));
    this.arm();
  }

  remove(name: string): void {
    this.jobs.delete(name);
    this.recorder.forget(name);
    this.heap.delete(name);
    this.options.events.emit('job-deleted', name);
  }

  /**
   * Runs a job now, outside its schedule, and resolves to the finished run. With `code`, runs that
   * draft instead of the saved code; `given` holds the params to run with and an older saved
   * version to run (a rerun). Changes no status or schedule. Resolves after the first try to
   * record the end, written or not (a refused end is kept and tried again until it is written).
   */
  async runNow(name: string, draft?: DraftCode, by: By = null, mode?: RunStart['mode'], given: Pick<RunStart, 'params' | 'codeVersion'> = {}): Promise<RunRecord> {
    const job = this.jobs.get(name);
    if (!job) throw new JobNotFoundError(name);
    if (this.flight.has(name)) throw new AlreadyRunningError(name);
    const trigger = draft === undefined ? 'manual' : 'draft';
    const code = typeof draft === 'string' ? { code: draft } : draft;
    const started = this.recorder.start(job, { trigger, scheduledAt: null, ...code, by, ...(mode ? { mode } : {}), ...given }).catch((error: unknown) => {
      throw error instanceof JobBusyError ? new AlreadyRunningError(name) : error;
    });
    const finished = this.track(job, this.runRecorded(job, started));
    return (await finished).record;
  }

  /**
   * Cancels a run executing here: it ends at once as `cancelled` (the sandbox interrupts its guest
   * code and aborts its host calls) and is recorded once. Resolves to the recorded run, whose
   * outcome is not `cancelled` when it ended on its own first; null when no such run executes here.
   */
  async cancel(runId: number, by: By): Promise<RunRecord | null> {
    const finished = await this.flight.cancel(runId, by);
    return finished === null ? null : finished.record;
  }

  /**
   * Ends every run in flight here as `interrupted` (this node lost its place in the cluster: another
   * node may run its jobs now, and no job may run on two nodes at once). Returns how many.
   */
  interruptAll(reason: string): number {
    return this.flight.interruptAll(reason);
  }

  /**
   * Stopped jobs count a fresh interval; every other job keeps its remaining time. `refresh` runs
   * first (the jobs folder is read again there). Runs in flight are not disturbed.
   */
  reload(refresh: () => Promise<void> = async () => {}): Promise<void> {
    this.reloading ??= this.doReload(refresh).finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /** Resolves true when no run is in flight, or false when the deadline passes first. */
  waitForRuns(deadlineMs: number): Promise<boolean> {
    return this.flight.drain(deadlineMs);
  }

  private async doReload(refresh: () => Promise<void>): Promise<void> {
    this.status = 'reloading';
    this.options.events.emit('status');
    try {
      await refresh();
      const now = this.now();
      const jobs = await this.options.store.listJobs();
      const patches: Array<{ name: string; patch: JobPatch }> = [];
      const seen = new Set<string>();
      for (const job of jobs) {
        seen.add(job.name);
        const patch = planReload(job, now, this.options.timeZone);
        if (patch) patches.push({ name: job.name, patch });
        const next = patch ? { ...job, ...patch } : job;
        const before = this.jobs.get(job.name);
        this.cache(next);
        if (before?.updatedAt !== next.updatedAt || patch) this.options.events.emit('job', next, this.flight.has(job.name));
      }
      for (const name of [...this.jobs.keys()]) if (!seen.has(name)) this.remove(name);
      await this.options.store.updateJobs(patches);
      this.reloadedAt = this.now();
    } finally {
      this.status = 'running';
      this.options.events.emit('status');
      this.arm();
    }
  }

  private cache(job: Job): void {
    this.jobs.set(job.name, job);
    const wake = job.period === null ? (job.active ? job.nextRunAt : null) : wakeAt(job, this.periodOf(job), this.now(), this.options.timeZone);
    if (wake !== null && this.owns(job.name)) this.heap.set(job.name, wake);
    else this.heap.delete(job.name);
  }

  private async apply(name: string, patch: JobPatch): Promise<void> {
    try {
      const job = await this.options.store.updateJob(name, patch);
      this.upsert(job);
    } catch (error) {
      this.storeFailed(name, error);
    }
  }

  private launch(job: Job, scheduledAt: number): void {
    const trigger = job.runOnce ? 'boot' : 'schedule';
    const started = this.recorder.start(job, { trigger, scheduledAt });
    this.track(job, this.runRecorded(job, started)).catch((error: unknown) => {
      if (error instanceof SlotTakenError || error instanceof JobBusyError) void this.claimLost(job.name, scheduledAt, error);
      else if (error instanceof NodeNotHoldingError) this.cache(this.jobs.get(job.name) ?? job); // armed again once it holds (sync)
      else this.storeFailed(job.name, error);
    });
  }

  /**
   * The store refused the claim: the slot is someone else's (or this node's, before a crash), a run
   * is in flight on another node, or this node's copy of the job is stale. Nothing ran. Take the
   * job as the store has it; a taken slot is passed over, anything else is tried again shortly.
   */
  private async claimLost(name: string, slot: number, error: SlotTakenError | JobBusyError): Promise<void> {
    try {
      const stored = await this.options.store.getJob(name);
      if (stored === null) {
        if (this.jobs.has(name)) this.remove(name);
        return;
      }
      if (error instanceof SlotTakenError) {
        this.cache(planSlotTaken(stored, slot, this.now(), this.options.timeZone));
      } else {
        this.cache(stored);
        if (this.heap.has(name)) this.heap.set(name, Math.max(stored.nextRunAt ?? 0, this.now() + BUSY_RETRY_MS));
      }
      this.arm();
    } catch (failure) {
      this.storeFailed(name, failure);
    }
  }

  /**
   * Executes a run once its start is recorded and hands its end to the recorder. Rejects only when
   * the start could not be recorded, in which case nothing ran.
   */
  private async runRecorded(job: Job, starting: Promise<StartedRun>): Promise<FinishedRun> {
    const started = await starting;
    const flight = this.flight.begin(started.id);
    try {
      this.options.onRunStarted?.(started);
      let outcome: RunOutcome;
      try {
        outcome = await this.execute(job, started, flight.signal);
      } finally {
        this.flight.executed(started.id);
      }
      const interrupted = flight.interrupted();
      if (interrupted !== undefined && outcome.outcome === 'cancelled') outcome = { ...outcome, outcome: 'interrupted', error: { message: interrupted } };
      // Plan from the job as it is now: a person may have edited it while it ran.
      const current = started.scheduledAt === null ? undefined : (this.jobs.get(job.name) ?? job);
      const cancelledBy = outcome.outcome === 'cancelled' ? (flight.cancelledBy() ?? null) : null;
      const finished = this.recorder.finish(started, outcome, current, cancelledBy);
      flight.recorded(finished);
      return finished;
    } catch (error) {
      flight.failed(error);
      throw error;
    } finally {
      this.flight.ended(started.id);
    }
  }

  private async execute(job: Job, started: StartedRun, signal: AbortSignal): Promise<RunOutcome> {
    // Claimed while holding, answered after losing the place (paused past the dead limit): the
    // node that found it dead records this run interrupted and runs the job on; never execute it.
    if (this.options.holding?.() === false) return { outcome: 'interrupted', error: { message: 'this node lost its place in the cluster before the run began; it never executed' }, logs: [] };
    if (started.code === undefined) return { outcome: 'error', error: { message: `job "${job.name}" has no saved code` }, logs: [] };
    if (started.paramsError !== undefined) return { outcome: 'error', error: { message: started.paramsError }, logs: [] };
    try {
      const onThread = () => {
        this.flight.onThread(started.id);
      };
      const mode = started.mode ? { mode: started.mode } : {};
      return await this.options.runner.execute({ job, runId: started.id, trigger: started.trigger, code: started.code, sourceMap: started.sourceMap, params: started.params, onThread, signal, ...mode });
    } catch (error) {
      // The runner resolves guest failures as values; a rejection is a fault of the host, recorded
      // on the run rather than left to escape the scheduler.
      return { outcome: 'error', error: { message: `run failed on the host: ${(error as Error).message}` }, logs: [] };
    }
  }

  /**
   * Keeps the job in the no-overlap set until its run's end is in the store (however long the store
   * takes: the slot is not run again meanwhile), then applies the recorded state to the cached job
   * and the heap. Resolves after the first try to record the end.
   */
  private track(job: Job, run: Promise<FinishedRun>): Promise<FinishedRun> {
    const recorded = run.then(async (finished) => {
      await finished.written;
      const cached = this.jobs.get(job.name);
      const updated = cached ? { ...cached, ...finished.patch } : undefined;
      settle();
      if (updated) this.upsert(updated); // a job deleted mid-run stays deleted
      this.options.onRunFinished?.(updated ?? job, finished.record, finished.event);
    });
    const settle = () => {
      this.flight.release(job.name, recorded);
    };
    this.flight.hold(job.name, recorded);
    this.options.events.emit('job', this.jobs.get(job.name) ?? job, true);
    recorded.catch(settle);
    return run.then(async (finished) => {
      await finished.tried;
      return finished;
    });
  }

  /** A storage failure leaves the job as it was and retries it later; it never reads as "nothing due". */
  private storeFailed(name: string, error: unknown): void {
    this.options.log.error({ job: name, err: error }, 'store failed; the job is retried shortly');
    this.options.onStoreError?.(error);
    const job = this.jobs.get(name);
    if (job?.active) this.heap.set(name, this.now() + STORE_RETRY_MS);
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.heap.peek();
    const delay = next ? Math.min(Math.max(next.time - this.now(), 0), this.maxSleepMs) : this.maxSleepMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick(this.now());
      this.arm();
    }, delay);
  }
}

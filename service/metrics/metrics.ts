/**
 * The service's Prometheus metrics. The runner and store report events here; gauges that describe
 * the present (jobs by status, the worker pool) are passed in as a snapshot when `/metrics` is read,
 * so they can never drift from the truth.
 */
import { JOB_STATUSES, type InFlightOutcome, type RunOutcomeName } from '../jobs/types.js';
import { Histogram } from './histogram.js';
import { headerLines, sampleLine } from './prometheus-text.js';

export interface FinishedRunMetric {
  job: string;
  outcome: Exclude<RunOutcomeName, InFlightOutcome>;
  /** The code's own time; null for a run whose code never began. */
  durationMs: number | null;
  /** From its slot to the code's true start, for a scheduled run; null for manual and boot runs. */
  latenessMs: number | null;
  /** From its slot (or, unscheduled, its queueing) to the code's start; null if it never began. */
  waitMs?: number | null;
}

export interface MetricsSnapshot {
  jobsByStatus: Record<string, number>;
  pool: { busy: number; queued: number; workers: number };
  /** The V8 heap in use in each sandbox thread that answered (threads in a long guest step do not). */
  sandboxHeaps: number[];
}

/** Run durations range from a millisecond to the longest timeouts (minutes). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** The scheduler aims at milliseconds; the top buckets catch a starved event loop or a missed slot. */
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60];

/**
 * The histograms carry no job label on purpose: a bucket series per job would multiply the series
 * count by the bucket count, and per-job counts are already in `quickjobs_runs_total`.
 */
export class Metrics {
  /** Keyed by job, then outcome. */
  private readonly runs = new Map<string, Map<string, number>>();
  private readonly duration = new Histogram(
    'quickjobs_run_duration_seconds',
    "The job code's own wall-clock time in finished runs, from its start in the sandbox to its end (host waits included, the wait for a thread not).",
    DURATION_BUCKETS,
  );
  private readonly wait = new Histogram(
    'quickjobs_run_wait_seconds',
    'How long a run waited before its code began: from its slot (a run taken up off schedule: from its queueing), mostly the wait for a free sandbox thread.',
    LATENESS_BUCKETS,
  );
  private readonly lateness = new Histogram(
    'quickjobs_schedule_lateness_seconds',
    "How long after its slot a scheduled run's code began in its sandbox.",
    LATENESS_BUCKETS,
  );
  private storeErrors = 0;
  private readonly policyRefusals = new Map<string, number>();

  runFinished(run: FinishedRunMetric): void {
    const byOutcome = this.runs.get(run.job) ?? new Map<string, number>();
    byOutcome.set(run.outcome, (byOutcome.get(run.outcome) ?? 0) + 1);
    this.runs.set(run.job, byOutcome);
    if (run.durationMs !== null) this.duration.observe(run.durationMs / 1000);
    if (run.latenessMs !== null) this.lateness.observe(Math.max(0, run.latenessMs) / 1000);
    if (run.waitMs !== undefined && run.waitMs !== null) this.wait.observe(Math.max(0, run.waitMs) / 1000);
  }

  /** Code refused by a rule of QUICKJOBS_CODE_RULES. */
  policyRefusal(rule: string): void {
    this.policyRefusals.set(rule, (this.policyRefusals.get(rule) ?? 0) + 1);
  }

  storeError(): void {
    this.storeErrors += 1;
  }

  /** Drops a deleted job's series so they do not linger until a restart. */
  forgetJob(name: string): void {
    this.runs.delete(name);
  }

  render(snapshot: MetricsSnapshot): string {
    const lines: string[] = [];

    lines.push(...headerLines('quickjobs_runs_total', 'counter', 'Finished runs, by job and outcome.'));
    for (const [job, byOutcome] of this.runs) {
      for (const [outcome, count] of byOutcome) {
        lines.push(sampleLine('quickjobs_runs_total', { job, outcome }, count));
      }
    }

    lines.push(...this.duration.render());
    lines.push(...this.lateness.render());
    lines.push(...this.wait.render());

    lines.push(...headerLines('quickjobs_jobs', 'gauge', 'Jobs, by status.'));
    // Every known status is always present, so a dashboard sees 0 rather than a missing series.
    const statuses = new Set<string>([...JOB_STATUSES, ...Object.keys(snapshot.jobsByStatus)]);
    for (const status of statuses) {
      lines.push(sampleLine('quickjobs_jobs', { status }, snapshot.jobsByStatus[status] ?? 0));
    }

    lines.push(...headerLines('quickjobs_pool_workers', 'gauge', 'Sandbox worker threads.'));
    lines.push(sampleLine('quickjobs_pool_workers', {}, snapshot.pool.workers));
    lines.push(...headerLines('quickjobs_pool_busy_workers', 'gauge', 'Sandbox workers running a job now.'));
    lines.push(sampleLine('quickjobs_pool_busy_workers', {}, snapshot.pool.busy));
    lines.push(...headerLines('quickjobs_pool_queue_depth', 'gauge', 'Runs waiting for a free worker.'));
    lines.push(sampleLine('quickjobs_pool_queue_depth', {}, snapshot.pool.queued));
    lines.push(...headerLines('quickjobs_sandbox_heap_bytes', 'gauge', 'V8 heap in use in the sandbox threads, summed (threads in a long guest step are left out).'));
    lines.push(sampleLine('quickjobs_sandbox_heap_bytes', {}, snapshot.sandboxHeaps.reduce((a, b) => a + b, 0)));

    lines.push(...headerLines('quickjobs_store_errors_total', 'counter', 'Store operations that failed.'));
    lines.push(sampleLine('quickjobs_store_errors_total', {}, this.storeErrors));

    lines.push(...headerLines('quickjobs_policy_refusals_total', 'counter', 'Saves and runs refused by a rule of QUICKJOBS_CODE_RULES, by rule.'));
    for (const [rule, count] of this.policyRefusals) lines.push(sampleLine('quickjobs_policy_refusals_total', { rule }, count));
    return `${lines.join('\n')}\n`;
  }
}

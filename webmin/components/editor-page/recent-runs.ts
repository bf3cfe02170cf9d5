/**
 * Keeps a job's recent runs for the editor page: fetched on open, fetched again whenever the
 * service says the job changed (a run started or ended), and each running run's log streamed in
 * live until it ends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api, ApiError, watchRun, watchServiceEvents, type Job, type Run } from '../../api.js';

const LIMIT = 20;

export class RecentRuns implements ReactiveController {
  runs: Run[] = [];
  error = '';
  private jobName: string | null = null;
  private stopEvents: (() => void) | null = null;
  private readonly streams = new Map<number, () => void>();
  /** Counts fetches so an older answer arriving late never replaces a newer one. */
  private fetches = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Told of every change to the job itself (status, running), for the page's header. */
    private readonly onJob: (job: Job) => void = () => undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.stopEvents = watchServiceEvents(
      {
        job: (job) => {
          if (job.name !== this.jobName) return;
          this.onJob(job);
          void this.refresh();
        },
        jobDeleted: () => undefined,
        status: () => undefined,
      },
      () => void this.refresh(),
    );
  }

  hostDisconnected(): void {
    this.stopEvents?.();
    this.stopEvents = null;
    this.stopStreams();
  }

  show(jobName: string): void {
    if (jobName === this.jobName) return;
    this.jobName = jobName;
    this.runs = [];
    this.stopStreams();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const jobName = this.jobName;
    if (!jobName) return;
    const fetch = ++this.fetches;
    try {
      const runs = await api.listRuns(jobName, LIMIT);
      if (fetch !== this.fetches || jobName !== this.jobName) return;
      // A run being streamed holds the live log; the stored record has it only once the run ends.
      this.runs = runs.map((run) => {
        const known = this.runs.find((r) => r.id === run.id);
        return known && (run.outcome === 'running' || run.outcome === 'queued') && this.streams.has(run.id) ? known : run;
      });
      this.error = '';
      for (const run of runs) if (run.outcome === 'running' || run.outcome === 'queued') this.follow(run.id);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `The runs could not be loaded: ${error.message}`;
    }
    this.host.requestUpdate();
  }

  private follow(id: number): void {
    if (this.streams.has(id)) return;
    // The stream replays the lines written so far, so start from none to avoid showing them twice.
    this.replace(id, (run) => ({ ...run, logs: [] }));
    const stop = watchRun(id, {
      log: (entry) => this.replace(id, (run) => ({ ...run, logs: [...run.logs, entry] })),
      end: (finished) => {
        this.streams.delete(id);
        this.replace(id, () => finished);
      },
    });
    this.streams.set(id, stop);
  }

  private replace(id: number, change: (run: Run) => Run): void {
    this.runs = this.runs.map((run) => (run.id === id ? change(run) : run));
    this.host.requestUpdate();
  }

  private stopStreams(): void {
    for (const stop of this.streams.values()) stop();
    this.streams.clear();
  }
}

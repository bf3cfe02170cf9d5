/**
 * Runs jobs in the sandbox pool and records each run in the store, streaming its log to the
 * run-events hub while it runs.
 */
import type { SandboxPool } from '../../sandbox/pool.js';
import type { RunOutcome } from '../../sandbox/types.js';
import type { Job, RunRecord } from '../jobs/types.js';
import type { DecideAfterRun, Runner, RunStart } from '../scheduler/runner.js';
import type { Store } from '../store/store.js';
import type { RunEvents } from './run-events.js';

export interface PoolRunnerOptions {
  store: Store;
  pool: Pick<SandboxPool, 'run'>;
  runEvents: RunEvents;
  memoryBytes: number;
  logLimitBytes: number;
  timeZone: string;
  now?: () => number;
}

export class PoolRunner implements Runner {
  private readonly now: () => number;

  constructor(private readonly options: PoolRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  async run(job: Job, start: RunStart, decide: DecideAfterRun): Promise<RunRecord> {
    const { store, runEvents } = this.options;
    const saved = start.code === undefined ? await store.getCode(job.name) : null;
    const codeVersion = saved ? saved.version : null;
    const startedAt = this.now();
    const id = await store.startRun({
      job: job.name,
      trigger: start.trigger,
      scheduledAt: start.scheduledAt,
      startedAt,
      codeVersion,
    });
    runEvents.started(id);
    let outcome: RunOutcome;
    try {
      const code = start.code ?? saved?.code;
      outcome =
        code === undefined
          ? { outcome: 'error', error: { message: `job "${job.name}" has no saved code` }, logs: [] }
          : await this.execute(job, start, code, id);
    } catch (error) {
      // The pool resolves guest failures as values; a rejection here is a host fault, recorded
      // on the run rather than left to escape the scheduler.
      outcome = { outcome: 'error', error: { message: `run failed on the host: ${(error as Error).message}` }, logs: [] };
    }
    const finishedAt = this.now();
    const record: RunRecord = {
      id,
      job: job.name,
      trigger: start.trigger,
      scheduledAt: start.scheduledAt,
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      result: outcome.outcome === 'success' ? outcome.result : null,
      outcome: outcome.outcome,
      error: outcome.outcome === 'success' ? null : outcome.error,
      logs: outcome.logs,
      codeVersion,
    };
    try {
      await store.finishRun(id, record, decide(record));
    } finally {
      runEvents.ended(record);
    }
    return record;
  }

  private execute(job: Job, start: RunStart, code: string, runId: number): Promise<RunOutcome> {
    const { pool, runEvents, memoryBytes, logLimitBytes, timeZone } = this.options;
    return pool.run(
      {
        jobName: job.name,
        code,
        trigger: start.trigger,
        lastRunAt: job.lastRunAt === null ? null : new Date(job.lastRunAt).toISOString(),
        timeoutMs: job.timeout * 1000,
        memoryBytes,
        timeZone,
        logLimitBytes,
      },
      // The pool's workers answer the job's core.* calls themselves (service/helpers/worker-host.ts).
      { onLog: (entry) => runEvents.log(runId, entry) },
    );
  }
}

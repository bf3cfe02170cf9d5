/**
 * Executes runs in the sandbox pool, streaming each run's log to the run-events hub while it runs.
 * It writes nothing: the scheduler's run recorder records the start and the end.
 */
import type { SandboxPool } from '../../sandbox/pool.js';
import type { Runner, RunOutcome, RunRequest } from '../scheduler/runner.js';
import type { RunEvents } from './run-events.js';

export interface PoolRunnerOptions {
  pool: Pick<SandboxPool, 'run'>;
  runEvents: RunEvents;
  memoryBytes: number;
  logLimitBytes: number;
  timeZone: string;
}

export class PoolRunner implements Runner {
  constructor(private readonly options: PoolRunnerOptions) {}

  execute(request: RunRequest): Promise<RunOutcome> {
    const { pool, runEvents, memoryBytes, logLimitBytes, timeZone } = this.options;
    const { job, runId } = request;
    return pool.run(
      {
        jobName: job.name,
        code: request.code,
        trigger: request.trigger,
        lastRunAt: job.lastRunAt === null ? null : new Date(job.lastRunAt).toISOString(),
        timeoutMs: job.timeout * 1000,
        memoryBytes,
        timeZone,
        logLimitBytes,
      },
      // The pool's workers answer the job's core.* calls themselves (service/helpers/worker-host.ts).
      {
        onLog: (entry) => runEvents.log(runId, entry),
        ...(request.onThread ? { onThread: request.onThread } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      },
    );
  }
}

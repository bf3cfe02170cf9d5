/** Runs job scripts through the real sandbox pool with the real host handlers. */
import { SandboxPool } from '../../../sandbox/pool.js';
import type { RunOutcome } from '../../../sandbox/types.js';
import type { HostHandlers } from '../../../service/helpers/index.js';

export async function runJob(pool: SandboxPool, host: HostHandlers, code: string): Promise<RunOutcome> {
  return pool.run(
    {
      jobName: 't',
      code,
      trigger: 'manual',
      lastRunAt: null,
      timeoutMs: 10_000,
      memoryBytes: 64 << 20,
      timeZone: 'UTC',
      logLimitBytes: 65_536,
    },
    { host: host.call },
  );
}

/** The outcome's result, or a failure that shows the run's error and log. */
export function resultOf(outcome: RunOutcome): string {
  if (outcome.outcome === 'success') return outcome.result;
  throw new Error(`run ended with ${outcome.outcome}: ${outcome.error.message}\n${outcome.logs.map((l) => l.message).join('\n')}`);
}

export function logText(outcome: RunOutcome): string {
  return outcome.logs.map((l) => `${l.level}: ${l.message}`).join('\n');
}

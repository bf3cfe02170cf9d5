/** A run request with test defaults; tests override what they are about. */
import type { RunRequest } from '../../sandbox/types.js';

export function request(code: string, overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    jobName: 'test-job',
    code,
    trigger: 'manual',
    lastRunAt: null,
    timeoutMs: 5000,
    memoryBytes: 16 * 1024 * 1024,
    timeZone: 'UTC',
    logLimitBytes: 64 * 1024,
    ...overrides,
  };
}

/** A script whose `job.run` body is `body`. */
export function job(body: string): string {
  return `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;
}

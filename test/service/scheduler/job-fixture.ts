import type { Job } from '../../../service/jobs/types.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** 2026-01-01T00:00:00Z, when the fixtures' jobs are created. */
export const T0 = Date.UTC(2026, 0, 1);

/** An active, recurring job every 60 s, created at T0 and due one interval later. */
export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    name: 'job',
    description: '',
    language: 'javascript',
    interval: 60,
    cron: null,
    timezone: null,
    period: null,
    runOnce: false,
    active: true,
    timeout: 30,
    missed: 'once',
    onError: 'exit',
    notify: null,
    params: {},
    status: 'ok',
    nextRunAt: T0 + MINUTE,
    lastRunAt: null,
    lastScheduledAt: null,
    lastResult: null,
    lastError: null,
    failing: false,
    path: 'job.js',
    version: 1,
    owner: 'user',
    sourceHash: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

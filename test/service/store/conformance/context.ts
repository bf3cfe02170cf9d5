/** What the conformance cases share: the store under test and record builders. */
import type { FinishedRun, Job, NewRun } from '../../../../service/jobs/types.js';
import type { Store } from '../../../../service/store/store.js';

/** The `runHistory` every store under the conformance suite must be opened with. */
export const CONFORMANCE_RUN_HISTORY = 5;

export interface StoreContext {
  /** The fresh store of the current test. */
  readonly store: Store;
}

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A job with every field set to something other than its type's zero, so a dropped column shows. */
export function newJob(name: string, overrides: Partial<Omit<Job, 'version'>> = {}): Omit<Job, 'version'> {
  return {
    name,
    description: `the ${name} job`,
    language: 'typescript',
    interval: 300,
    cron: null,
    timezone: 'Europe/Berlin',
    period: 'workhours',
    runOnce: true,
    active: true,
    timeout: 45,
    missed: 'skip',
    onError: 'continue',
    notify: { email: ['ops@example.com', 'dev@example.com'], webhook: 'https://hooks.example.com/q' },
    params: { url: 'https://example.com/{{date-1d:YYYY-MM-DD}}', token: { $secret: 'api-token' }, list: [1, true, null] },
    status: 'once-pending',
    nextRunAt: T0 + 300_000,
    lastRunAt: T0 - 60_000,
    lastScheduledAt: T0 - 60_000,
    lastResult: 'SLEEP',
    lastError: 'it broke once',
    failing: true,
    path: `jobs/${name}.js`,
    owner: 'folder',
    sourceHash: 'abc123',
    createdAt: T0,
    createdBy: 'alice',
    updatedBy: 'bob',
    updatedAt: T0 + 1,
    ...overrides,
  };
}

export function newRun(job: string, startedAt = T0, overrides: Partial<NewRun> = {}): NewRun {
  return { job, trigger: 'schedule', scheduledAt: startedAt - 5, queuedAt: startedAt, codeVersion: 1, by: 'token', node: null, params: { day: '2026-01-14', key: { $secret: 'api-token' } }, ...overrides };
}

export function succeeded(startedAt = T0, overrides: Partial<FinishedRun> = {}): FinishedRun {
  return {
    startedAt: startedAt + 2,
    finishedAt: startedAt + 252,
    waitMs: 7,
    durationMs: 250,
    result: 'OK',
    outcome: 'success',
    error: null,
    logs: [{ at: new Date(startedAt + 10).toISOString(), level: 'info', message: 'hello ✓' }],
    cancelledBy: null,
    ...overrides,
  };
}

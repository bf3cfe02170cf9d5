/**
 * The typed client of the service's HTTP API (SPEC §5). Every call resolves to the parsed body or
 * rejects with an ApiError. A 401 on any call but login also fires `qj-unauthorized` on window so
 * the app shell can show the login page wherever the user was.
 */
import { ApiError, failureText } from './api-error.js';
import type { ApiToken, AuditEntry, AuditFilters, Me, Role, User, AlertDelivery, CodeVersionInfo, Job, JobCode, JobSettings, NewJob, Period, PeriodInput, PeriodInterval, Run, RunFilters, RunMode, SecretInfo, ServiceStatus, Slots, Stats } from './api-types.js';

export { ApiError, failureText };
export type * from './api-types.js';

const BASE = 'api/v1';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      credentials: 'same-origin',
      // The service refuses a cookie-authenticated write that is not JSON (a cross-site form cannot send JSON).
      headers: method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw ApiError.network();
  }
  if (!response.ok) {
    const error = await ApiError.from(response);
    if (error.status === 401 && path !== '/login') window.dispatchEvent(new CustomEvent('qj-unauthorized'));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const job = (name: string): string => `/jobs/${encodeURIComponent(name)}`;
const period = (name: string): string => `/periods/${encodeURIComponent(name)}`;

/** A query string of the set values. */
function query(values: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}

export const api = {
  login: (name: string, password: string): Promise<unknown> => call('POST', '/login', { name, password }),
  me: (): Promise<Me> => call('GET', '/me'),
  changeMyPassword: (current: string, password: string): Promise<unknown> => call('PUT', '/me/password', { current, password }),
  listUsers: (): Promise<User[]> => call('GET', '/users'),
  createUser: (name: string, role: Role, password: string): Promise<User> => call('POST', '/users', { name, role, password }),
  updateUser: (name: string, patch: { role?: Role; password?: string }): Promise<User> => call('PUT', `/users/${encodeURIComponent(name)}`, patch),
  deleteUser: (name: string): Promise<unknown> => call('DELETE', `/users/${encodeURIComponent(name)}`),
  listTokens: (): Promise<ApiToken[]> => call('GET', '/tokens'),
  /** Answers the token itself this once; only its hash is kept. */
  createToken: (input: { name: string; owner?: string; expiresAt?: string }): Promise<ApiToken & { token: string }> => call('POST', '/tokens', input),
  revokeToken: (id: string): Promise<unknown> => call('DELETE', `/tokens/${encodeURIComponent(id)}`),
  audit: (filters: AuditFilters): Promise<AuditEntry[]> => call('GET', `/audit?${query(filters)}`),
  logout: (): Promise<unknown> => call('POST', '/logout'),
  status: (): Promise<ServiceStatus> => call('GET', '/status'),
  reload: (): Promise<ServiceStatus> => call('POST', '/reload'),

  listJobs: (): Promise<Job[]> => call('GET', '/jobs'),
  getJob: (name: string): Promise<Job> => call('GET', job(name)),
  createJob: (input: NewJob): Promise<Job> => call('POST', '/jobs', input),
  updateJob: (name: string, patch: Partial<JobSettings>): Promise<Job> => call('PUT', job(name), patch),
  deleteJob: (name: string): Promise<unknown> => call('DELETE', job(name)),

  getCode: (name: string): Promise<JobCode> => call('GET', `${job(name)}/code`),
  /** Saves only if nobody saved since `baseVersion`; otherwise 409 `conflict`. */
  saveCode: (name: string, code: string, baseVersion?: number): Promise<{ version: number }> =>
    call('PUT', `${job(name)}/code`, baseVersion === undefined ? { code } : { code, baseVersion }),
  /**
   * Runs the job now (the draft `code` if given, without saving) and resolves to the finished run.
   * A draft runs safe (its side effects held) unless `mode` is `live`.
   */
  runJob: (name: string, code?: string, mode?: RunMode): Promise<Run> =>
    call('POST', `${job(name)}/run`, code === undefined ? {} : mode === undefined ? { code } : { code, mode }),
  /** Runs the saved code now with these params merged over the job's, for this run only. */
  runWithParams: (name: string, params: Record<string, unknown>): Promise<Run> => call('POST', `${job(name)}/run`, { params }),
  /** Runs a recorded run again: its params and code version, or the current code with `latest`. */
  rerun: (id: number, latest = false): Promise<Run> => call('POST', `/runs/${id}/rerun`, latest ? { latest } : {}),

  listSecrets: (): Promise<SecretInfo[]> => call('GET', '/secrets'),
  /** Creates or replaces a secret; the value is never sent back. */
  setSecret: (name: string, value: string): Promise<SecretInfo> => call('PUT', `/secrets/${encodeURIComponent(name)}`, { value }),
  deleteSecret: (name: string): Promise<unknown> => call('DELETE', `/secrets/${encodeURIComponent(name)}`),

  listRuns: (jobName: string, limit = 20): Promise<Run[]> =>
    call('GET', `/runs?job=${encodeURIComponent(jobName)}&limit=${limit}`),
  getRun: (id: number): Promise<Run> => call('GET', `/runs/${id}`),
  /** Runs matching the filters, newest first. */
  findRuns: (filters: RunFilters): Promise<Run[]> => call('GET', `/runs?${query(filters)}`),
  /** Stops a running run; 409 `ended` when it ended first. */
  cancelRun: (id: number): Promise<Run> => call('POST', `/runs/${id}/cancel`),
  stats: (days: 7 | 14 | 30): Promise<Stats> => call('GET', `/stats?days=${days}`),
  upcoming: (name: string, n = 5): Promise<Slots> => call('GET', `${job(name)}/upcoming?n=${n}`),
  previewSchedule: (
    schedule: { interval?: number; cron?: string; timezone?: string | null; period?: string | null; missed?: 'once' | 'skip' },
    n = 5,
  ): Promise<Slots> =>
    call('POST', '/schedule/preview', { ...schedule, n }),
  listVersions: (name: string): Promise<CodeVersionInfo[]> => call('GET', `${job(name)}/versions`),
  getVersion: (name: string, version: number): Promise<JobCode> => call('GET', `${job(name)}/versions/${version}`),
  /** Saves version `version`'s code as the newest version. */
  restoreVersion: (name: string, version: number): Promise<{ version: number }> => call('POST', `${job(name)}/versions/${version}/restore`),
  /** Alerts sent about the job, newest first, with their delivery attempts. */
  listAlerts: (name: string): Promise<AlertDelivery[]> => call('GET', `${job(name)}/alerts`),

  listPeriods: (): Promise<Period[]> => call('GET', '/periods'),
  getPeriod: (name: string): Promise<Period> => call('GET', period(name)),
  createPeriod: (input: PeriodInput): Promise<Period> => call('POST', '/periods', input),
  updatePeriod: (name: string, input: Omit<PeriodInput, 'name'>): Promise<Period> => call('PUT', period(name), input),
  deletePeriod: (name: string): Promise<unknown> => call('DELETE', period(name)),
  /** When an unsaved period would be inside, next `n` stretches from now. */
  previewPeriod: (input: Omit<PeriodInput, 'name'>, n = 50): Promise<PeriodInterval[]> => call('POST', '/periods/preview', { ...input, n }),
};

export type Api = typeof api;

export interface ServiceEventHandlers {
  job(job: Job): void;
  jobDeleted(name: string): void;
  status(status: ServiceStatus): void;
}

/**
 * Follows the service's event stream. EventSource reconnects by itself after a drop; `onOpen`
 * lets the caller refetch what it may have missed meanwhile. Returns the function that stops it.
 */
export function watchServiceEvents(handlers: ServiceEventHandlers, onOpen?: () => void): () => void {
  const source = new EventSource(`${BASE}/events`);
  source.addEventListener('job', (event) => handlers.job(JSON.parse((event as MessageEvent<string>).data) as Job));
  source.addEventListener('job-deleted', (event) =>
    handlers.jobDeleted((JSON.parse((event as MessageEvent<string>).data) as { name: string }).name),
  );
  source.addEventListener('status', (event) =>
    handlers.status(JSON.parse((event as MessageEvent<string>).data) as ServiceStatus),
  );
  if (onOpen) source.addEventListener('open', onOpen);
  return () => source.close();
}

export interface RunEventHandlers {
  log(entry: Run['logs'][number]): void;
  end(run: Run): void;
}

/** Follows one run's log live until it ends. Returns the function that stops following. */
export function watchRun(id: number, handlers: RunEventHandlers): () => void {
  const source = new EventSource(`${BASE}/runs/${id}/events`);
  source.addEventListener('log', (event) => handlers.log(JSON.parse((event as MessageEvent<string>).data)));
  source.addEventListener('end', (event) => {
    source.close();
    handlers.end(JSON.parse((event as MessageEvent<string>).data) as Run);
  });
  return () => source.close();
}

/**
 * The HTTP application: routes mounted on one Hono app, domain errors turned into status codes in
 * one place. It never listens; main.ts serves it and tests call `app.request()`.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from './api/errors.js';
import { openApiDocument } from './api/contract/openapi.js';
import { authRoutes, requireAuth } from './api/auth.js';
import { limitBody } from './api/body.js';
import { csrfGuard } from './api/csrf.js';
import { authorize } from './api/authorize.js';
import { usersRoutes } from './api/users-routes.js';
import type { LoginThrottle } from './auth/login-throttle.js';
import { jobsRoutes } from './api/jobs-routes.js';
import { periodsRoutes } from './api/periods-routes.js';
import { runsRoutes, type RemoteCancel, type RemoteLines } from './api/runs-routes.js';
import { secretsRoutes } from './api/secrets-routes.js';
import { PeriodInUseError } from './periods/errors.js';
import type { PeriodService } from './periods/period-service.js';
import { consoleRoutes } from './api/console-routes.js';
import type { SecretStore } from './secrets/secret-store.js';
import { statusRoutes, type StatusOptions } from './api/status-routes.js';
import type { ServiceEvents } from './events/service-events.js';
import { CodePolicyError, InvalidFieldError, ScriptSyntaxError } from './jobs/errors.js';
import type { JobService } from './job-service/job-service.js';
import type { RunEvents } from './runs/run-events.js';
import { AlreadyRunningError } from './scheduler/errors.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { JobExistsError, JobNotFoundError, LastAdminError, PeriodExistsError, PeriodNotFoundError, StoreUnavailableError, UserExistsError, UserNotFoundError, VersionConflictError, VersionNotFoundError } from './store/errors.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  store: Store;
  jobs: JobService;
  periods: PeriodService;
  scheduler: Scheduler;
  events: ServiceEvents;
  runEvents: RunEvents;
  /** Live lines of runs on other nodes (several nodes on one MySQL store). */
  remoteLines?: RemoteLines;
  /** Cancels runs on other nodes (several nodes on one MySQL store). */
  remoteCancel?: RemoteCancel;
  apiToken: string | null;
  version: string;
  reload: () => Promise<void>;
  statusExtra?: StatusOptions['extra'];
  /** Prometheus text for `/metrics`. */
  metrics?: () => Promise<string>;
  /** Secrets (SPEC §10); without them `/secrets` is not served. */
  secrets?: SecretStore;
  /** The built webmin, served at `/`. */
  webmin?: Hono;
  onError?: (error: unknown) => void;
  /** Why this node starts no runs although its store answers (a node cut off from its cluster); null while fine. */
  nodeProblem?: () => string | null;
  /** QUICKJOBS_TRUST_PROXY: believe the proxy's X-Forwarded-Proto and X-Forwarded-For. */
  trustProxy?: boolean;
  /** Login limits; tests pass smaller ones. */
  loginThrottle?: LoginThrottle;
  now?: () => number;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const trustProxy = deps.trustProxy === true;
  const auth = { store: deps.store, apiToken: deps.apiToken, trustProxy, throttle: deps.loginThrottle, now: deps.now };

  // 503 while the store cannot be used, so a load balancer sends no traffic to a node that cannot record it.
  app.get('/healthz', (c) => {
    const health = deps.store.health();
    const problem = deps.nodeProblem?.() ?? null;
    if (health.ok && problem === null) return c.json({ ok: true });
    c.header('Retry-After', String(RETRY_AFTER_S));
    if (!health.ok) return c.json({ ok: false, store: { error: health.error, since: new Date(health.since ?? Date.now()).toISOString() } }, 503);
    return c.json({ ok: false, node: { error: problem } }, 503);
  });

  const api = new Hono();
  api.use('*', secureHeaders(), limitBody, csrfGuard({ trustProxy }));
  api.route('/', authRoutes(auth));
  api.use('*', requireAuth(auth));
  // Every route below is checked against api/route-rules.ts, and audited as it says.
  api.use('*', authorize({ store: deps.store, now: deps.now }));
  api.route('/', statusRoutes({ scheduler: deps.scheduler, events: deps.events, version: deps.version, reload: deps.reload, extra: deps.statusExtra }));
  api.route('/jobs', jobsRoutes({ jobs: deps.jobs }));
  api.route('/periods', periodsRoutes({ periods: deps.periods }));
  api.route('/runs', runsRoutes({ store: deps.store, runEvents: deps.runEvents, live: deps.scheduler, remoteLines: deps.remoteLines, remoteCancel: deps.remoteCancel, jobs: deps.jobs }));
  api.route('/', consoleRoutes({ store: deps.store, jobs: deps.jobs, now: deps.now }));
  if (deps.secrets) api.route('/secrets', secretsRoutes({ secrets: deps.secrets }));
  api.route('/', usersRoutes({ store: deps.store, now: deps.now }));
  api.get('/openapi.json', (c) => c.json(openApiDocument(deps.version)));
  api.all('*', (c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.route('/api/v1', api);

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', requireAuth(auth), authorize({ store: deps.store }), async (c) => c.text(await metrics(), 200, { 'content-type': 'text/plain; version=0.0.4' }));
  }
  if (deps.webmin) app.route('/', deps.webmin);

  app.onError((error, c) => {
    const [status, body] = describe(error);
    if (status === 503) c.header('Retry-After', String(RETRY_AFTER_S));
    else if (status >= 500) deps.onError?.(error);
    if (error instanceof ApiError) for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json({ error: body }, status);
  });
  return app;
}

/** Seconds a client waits before trying again while the store is unavailable: about one health check. */
const RETRY_AFTER_S = 5;

type ErrorBody = { code: string; message: string } & Record<string, unknown>;

/** Domain errors to status codes, in one place. */
function describe(error: unknown): [ContentfulStatusCode, ErrorBody] {
  if (error instanceof ApiError) return [error.status, { code: error.code, message: error.message, ...error.extra }];
  if (error instanceof JobNotFoundError) return [404, { code: 'not_found', message: error.message, job: error.jobName }];
  if (error instanceof VersionNotFoundError) return [404, { code: 'not_found', message: error.message, job: error.jobName }];
  if (error instanceof JobExistsError) return [409, { code: 'exists', message: error.message, field: 'name' }];
  if (error instanceof VersionConflictError) {
    return [409, { code: 'conflict', message: error.message, currentVersion: error.currentVersion }];
  }
  if (error instanceof PeriodNotFoundError) return [404, { code: 'not_found', message: error.message, period: error.periodName }];
  if (error instanceof PeriodExistsError) return [409, { code: 'exists', message: error.message, field: 'name' }];
  if (error instanceof PeriodInUseError) {
    return [409, { code: 'in_use', message: error.message, jobs: error.jobs, periods: error.periods }];
  }
  if (error instanceof UserNotFoundError) return [404, { code: 'not_found', message: error.message, user: error.userName }];
  if (error instanceof UserExistsError) return [409, { code: 'exists', message: error.message, field: 'name' }];
  if (error instanceof LastAdminError) return [409, { code: 'last_admin', message: error.message, user: error.userName }];
  if (error instanceof AlreadyRunningError) return [409, { code: 'already_running', message: error.message }];
  if (error instanceof InvalidFieldError) return [422, { code: 'invalid', message: error.message, field: error.field }];
  if (error instanceof ScriptSyntaxError) {
    return [422, { code: 'syntax_error', message: error.message, line: error.line, column: error.column }];
  }
  if (error instanceof CodePolicyError) {
    return [422, { code: 'policy', message: error.message, rule: error.rule, line: error.line, column: error.column }];
  }
  if (error instanceof StoreUnavailableError) {
    return [503, { code: 'store_unavailable', message: `the store cannot be used right now (${error.reason}); try again shortly`, reason: error.reason }];
  }
  if (error instanceof HTTPException) return [error.status as ContentfulStatusCode, { code: 'http_error', message: error.message }];
  return [500, { code: 'internal', message: 'the service failed to answer; the error is in its log' }];
}

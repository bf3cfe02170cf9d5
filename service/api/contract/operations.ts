/**
 * Every operation of the HTTP API, keyed as route-rules.ts keys its rules (`METHOD /path` as Hono
 * registers it): what it takes and what it answers, as the schemas the routes validate with.
 * openapi.ts makes the OpenAPI document from this table and route-rules.ts; who may call an
 * operation is said there only.
 */
import { z } from '@hono/zod-openapi';
import * as body from './bodies.js';
import * as shape from './shapes.js';

/** Error statuses an operation may answer besides those every call may meet (see openapi.ts). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface Operation {
  summary: string;
  description?: string;
  tag: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success status: 200 unless said. */
  status?: 200 | 201;
  /** The JSON answer; absent when the answer is `media`. */
  answer?: z.ZodType;
  /** A non-JSON answer (an event stream, Prometheus text, the webmin's files). */
  media?: string;
  errors?: ErrorStatus[];
  /** Answers other than the success and the error shape, by status. */
  answers?: Partial<Record<number, z.ZodType>>;
}

const list = (item: z.ZodType) => z.array(item);
const STREAM = 'text/event-stream';

export const API_OPERATIONS: Record<string, Operation> = {
  'POST /login': {
    tag: 'session',
    summary: 'Sign in for a webmin session',
    description: 'Sets the session cookie (HttpOnly, SameSite=Strict). Wrong passwords are throttled per address and name: 429 with Retry-After.',
    body: body.Login,
    answer: shape.Login,
    errors: [401, 422, 429],
  },
  'POST /logout': { tag: 'session', summary: 'End the webmin session', answer: shape.Ok },

  'GET /status': { tag: 'service', summary: "The service's state", answer: shape.Status },
  'POST /reload': { tag: 'service', summary: 'Reload the jobs folder and the schedule', description: 'Answers when done, with the status.', answer: shape.Status },
  'GET /events': { tag: 'service', summary: 'Live job changes', description: 'Server-sent events: `job` (a Job), `job-deleted` ({name}), `status` (the status).', media: STREAM },
  'GET /stats': { tag: 'service', summary: 'Run figures for the dashboard', description: 'Whole hours: the period is widened to them and said so in the answer.', query: body.StatsQuery, answer: shape.Stats, errors: [422] },
  'POST /schedule/preview': { tag: 'service', summary: 'When unsaved schedule settings would run', body: body.SchedulePreview, answer: shape.Upcoming, errors: [422] },
  'GET /openapi.json': { tag: 'service', summary: 'This description of the API (OpenAPI 3.1)', answer: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) },

  'GET /jobs': { tag: 'jobs', summary: 'All jobs', answer: list(shape.Job) },
  'POST /jobs': {
    tag: 'jobs',
    summary: 'Create a job',
    description: 'Give `interval` or `cron`. Without `code` the job gets the template; code that does not parse is 422 `syntax_error` with `line` and `column`.',
    body: body.JobCreate,
    status: 201,
    answer: shape.Job,
    errors: [409, 422],
  },
  'GET /jobs/{name}': { tag: 'jobs', summary: 'One job', answer: shape.Job },
  'PUT /jobs/{name}': {
    tag: 'jobs',
    summary: 'Change a job',
    description: 'Only the fields given change; a new `interval` clears `cron` and the other way round. A body of `active` alone is an activation, which an operator may make.',
    body: body.JobUpdate,
    answer: shape.Job,
    errors: [409, 422],
  },
  'DELETE /jobs/{name}': { tag: 'jobs', summary: 'Delete a job and its runs', answer: shape.Deleted, errors: [409] },
  'GET /jobs/{name}/code': { tag: 'jobs', summary: "A job's current code", answer: shape.CodeVersion },
  'PUT /jobs/{name}/code': {
    tag: 'jobs',
    summary: "Save a job's code as a new version",
    description: 'Nothing is saved when it does not parse (422 `syntax_error`); 409 `conflict` with `currentVersion` when `baseVersion` is stale.',
    body: body.CodeSave,
    answer: z.object({ version: z.number().int() }),
    errors: [409, 422],
  },
  'GET /jobs/{name}/versions': { tag: 'jobs', summary: "A job's saved versions", answer: list(shape.VersionInfo) },
  'GET /jobs/{name}/versions/{version}': { tag: 'jobs', summary: 'One saved version of the code', answer: shape.CodeVersion },
  'POST /jobs/{name}/versions/{version}/restore': {
    tag: 'jobs',
    summary: 'Save an old version again as the newest',
    answer: z.object({ version: z.number().int(), restored: z.number().int() }),
    errors: [409, 422],
  },
  'GET /jobs/{name}/upcoming': { tag: 'jobs', summary: 'When a job will run next', query: body.UpcomingQuery, answer: shape.Upcoming, errors: [422] },
  'GET /jobs/{name}/alerts': { tag: 'jobs', summary: "A job's newest alerts and their deliveries", answer: list(shape.Alert) },
  'POST /jobs/{name}/run': {
    tag: 'jobs',
    summary: 'Run a job now and answer with the finished run',
    description: "Changes no status or schedule. With `code` it runs that unsaved draft (an editor's call), `safe` by default with its side effects held.",
    body: body.RunNow,
    answer: shape.Run,
    errors: [409, 422],
  },

  'GET /runs': { tag: 'runs', summary: 'Runs, newest first', query: body.RunsQuery, answer: list(shape.Run), errors: [422] },
  'GET /runs/{id}': { tag: 'runs', summary: 'One run with its log', answer: shape.Run },
  'POST /runs/{id}/cancel': { tag: 'runs', summary: 'Cancel a run in flight', description: '409 `ended` or `not_cancellable` with the run as recorded.', answer: shape.Run, errors: [409] },
  'POST /runs/{id}/rerun': {
    tag: 'runs',
    summary: 'Run a recorded run again',
    description: 'The version it ran with and the params it ran with; `latest` for the current code.',
    body: body.Rerun,
    answer: shape.Run,
    errors: [409, 422],
  },
  'GET /runs/{id}/events': { tag: 'runs', summary: "A run's log live", description: 'Server-sent events: `log` (a LogEntry) while it runs, then `end` (the Run).', media: STREAM },

  'GET /periods': { tag: 'periods', summary: 'All time periods', answer: list(shape.Period) },
  'POST /periods': { tag: 'periods', summary: 'Create a time period', body: body.PeriodCreate, status: 201, answer: shape.Period, errors: [409, 422] },
  'POST /periods/preview': { tag: 'periods', summary: 'The openings of an unsaved period', body: body.PeriodPreview, answer: list(shape.Interval), errors: [404, 409, 422] },
  'GET /periods/{name}': { tag: 'periods', summary: 'One time period', answer: shape.Period },
  'PUT /periods/{name}': { tag: 'periods', summary: 'Change a time period', body: body.PeriodUpdate, answer: shape.Period, errors: [409, 422] },
  'DELETE /periods/{name}': { tag: 'periods', summary: 'Delete a time period', description: '409 `in_use` naming the jobs and periods that use it.', answer: shape.Deleted, errors: [409] },
  'GET /periods/{name}/openings': { tag: 'periods', summary: 'When a period opens next', query: body.OpeningsQuery, answer: list(shape.Interval), errors: [422] },

  'GET /secrets': { tag: 'secrets', summary: 'Secret names and who set them (never values)', answer: list(shape.Secret) },
  'PUT /secrets/{name}': { tag: 'secrets', summary: 'Set a secret', body: body.SecretSet, answer: shape.Secret, errors: [422] },
  'DELETE /secrets/{name}': { tag: 'secrets', summary: 'Delete a secret', answer: shape.Deleted },

  'GET /me': { tag: 'users', summary: 'Who is calling', answer: shape.Me },
  'PUT /me/password': { tag: 'users', summary: "Change the caller's own password", body: body.PasswordChange, answer: shape.Ok, errors: [422] },
  'GET /users': { tag: 'users', summary: 'All users', answer: list(shape.User) },
  'POST /users': { tag: 'users', summary: 'Create a user', body: body.UserCreate, status: 201, answer: shape.User, errors: [409, 422] },
  'PUT /users/{name}': { tag: 'users', summary: "Change a user's role or password", body: body.UserUpdate, answer: shape.User, errors: [409, 422] },
  'DELETE /users/{name}': { tag: 'users', summary: 'Delete a user', description: '409 `last_admin` for the last admin.', answer: shape.Deleted, errors: [409] },
  'GET /tokens': { tag: 'users', summary: 'All API tokens (never the secrets)', answer: list(shape.Token) },
  'POST /tokens': { tag: 'users', summary: 'Make an API token', description: 'The token is in this answer only.', body: body.TokenCreate, status: 201, answer: shape.NewToken, errors: [422] },
  'DELETE /tokens/{id}': { tag: 'users', summary: 'Revoke an API token', answer: shape.Deleted },
  'GET /audit': { tag: 'users', summary: 'The audit trail, newest first', query: body.AuditQuery, answer: list(shape.AuditEntry), errors: [422] },
};

/** Outside `/api/v1`. */
export const OTHER_OPERATIONS: Record<string, Operation> = {
  'GET /healthz': { tag: 'service', summary: 'Whether this node can take work', description: '503 with Retry-After while the store cannot be used or the node is cut off.', answer: shape.Health, answers: { 503: shape.Health } },
  'GET /metrics': { tag: 'service', summary: 'Prometheus metrics', media: 'text/plain' },
  'GET /': { tag: 'webmin', summary: 'The webmin', media: 'text/html' },
  'GET /index.html': { tag: 'webmin', summary: 'The webmin', media: 'text/html' },
  'GET /assets/{file}': { tag: 'webmin', summary: "The webmin's files", media: 'application/octet-stream', errors: [404] },
};

/**
 * The OpenAPI 3.1 document of the HTTP API (`GET /api/v1/openapi.json`, docs/API.md), made from the
 * operations table and the route rules: the same schemas the routes validate with, and the role
 * each operation needs as `x-quickjobs-role`.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { API_PREFIX, API_RULES, OTHER_RULES, type Access } from '../route-rules.js';
import { SESSION_COOKIE } from '../auth.js';
import { API_OPERATIONS, OTHER_OPERATIONS, type Operation } from './operations.js';
import { ErrorBody } from './shapes.js';

/** The route-rules key of an operation: `GET /jobs/:name` for `GET /jobs/{name}`. */
export const ruleKey = (key: string): string => key.replace(/\{([^}]+)\}/g, ':$1');

const REASONS: Record<number, string> = {
  400: 'bad input: a body that is not a JSON object, a required field missing',
  401: 'not signed in, or the token is not valid',
  403: 'the caller lacks the role (`role` says which), or a cross-site request with the session cookie',
  404: '`not_found`: no such item',
  409: 'conflicts with the present state (`code` says which)',
  413: '`too_large`: the body is over 2 MB',
  415: '`unsupported_media_type`: a body with the session cookie must be application/json',
  422: '`invalid` with `field`, `syntax_error` or `policy` with `line` and `column`',
  429: '`too_many_attempts`, with Retry-After',
  500: '`internal`: the service failed; the error is in its log',
  503: '`store_unavailable`, with Retry-After',
};

const ROLE_WORDS: Record<Access, string> = {
  public: 'Open to anyone.',
  viewer: 'Needs the viewer role or higher.',
  operator: 'Needs the operator role or higher.',
  editor: 'Needs the editor role or higher.',
  admin: 'Needs the admin role.',
};

const documents = new Map<string, ReturnType<OpenAPIHono['getOpenAPI31Document']>>();

/** The document for a service of this version; made once. */
export function openApiDocument(version: string) {
  let document = documents.get(version);
  if (document === undefined) {
    document = makeDocument(version);
    documents.set(version, document);
  }
  return document;
}

function makeDocument(version: string) {
  // An OpenAPIHono serves no route here: its registry and generator make the document.
  const maker = new OpenAPIHono();
  const registry = maker.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'From `POST /api/v1/login`.' });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: "A user's API token (`POST /api/v1/tokens`) or QUICKJOBS_API_TOKEN." });
  for (const [key, operation] of Object.entries(API_OPERATIONS)) register(registry, key, operation, API_PREFIX, API_RULES[ruleKey(key)]?.role);
  for (const [key, operation] of Object.entries(OTHER_OPERATIONS)) register(registry, key, operation, '', OTHER_RULES[ruleKey(key)]?.role);
  return maker.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'quickjobs',
      version,
      description: 'A self-hosted job service. Errors are `{"error": {"code", "message", …}}`; a bad field is 422 `invalid` naming it in `field`.',
    },
    security: [{ session: [] }, { bearer: [] }],
  });
}

/** An operation's answers by status: the JSON schema of each, or its media type when not JSON. */
export type Answers = Map<number, z.ZodType | string>;

/** Every answer an operation may give: its own, and the errors any call of its kind may meet. */
export function answersOf(key: string, operation: Operation, prefix: string, role: Access): Answers {
  const [method, path] = key.split(' ') as [string, string];
  const errors = new Set<number>(operation.errors);
  if (role !== 'public') [401, 403].forEach((status) => errors.add(status));
  if (path.includes('{')) errors.add(404);
  if (operation.body) errors.add(400);
  if (prefix === API_PREFIX) {
    // A write with the session cookie must be same-site JSON (csrf.ts); any body is capped (body.ts).
    if (method !== 'GET') [403, 413, 415].forEach((status) => errors.add(status));
    [500, 503].forEach((status) => errors.add(status));
  }
  const own = operation.media ?? operation.answer;
  if (own === undefined) throw new Error(`${key} names no answer`);
  const answers: Answers = new Map([[operation.status ?? 200, own]]);
  for (const [status, schema] of Object.entries(operation.answers ?? {})) if (schema) answers.set(Number(status), schema);
  for (const status of [...errors].sort()) if (!answers.has(status)) answers.set(status, ErrorBody);
  return answers;
}

function register(registry: OpenAPIHono['openAPIRegistry'], key: string, operation: Operation, prefix: string, role: Access | undefined) {
  if (role === undefined) throw new Error(`${key} has no rule in route-rules.ts`);
  const [method, path] = key.split(' ') as [string, string];
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const signedIn = role !== 'public';
  const success = operation.status ?? 200;
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of answersOf(key, operation, prefix, role)) {
    responses[status] = {
      description: status === success ? operation.summary : (REASONS[status] ?? String(status)),
      content: typeof answer === 'string' ? { [answer]: { schema: { type: 'string' } } } : { 'application/json': { schema: answer } },
    };
  }
  registry.registerPath({
    method: method.toLowerCase() as 'get',
    path: `${prefix}${path}`,
    operationId: operationId(method, path),
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, ROLE_WORDS[role]].filter(Boolean).join('\n\n'),
    security: signedIn ? undefined : [],
    'x-quickjobs-role': role,
    request: {
      params: params.length > 0 ? z.object(Object.fromEntries(params.map((name) => [name, z.string()]))) : undefined,
      query: operation.query,
      body: operation.body ? { required: true, content: { 'application/json': { schema: operation.body } } } : undefined,
    },
    responses: responses as never,
  });
}

/** `getJobsByNameCode` for `GET /jobs/{name}/code`. */
function operationId(method: string, path: string): string {
  const words = path.split('/').filter(Boolean).map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part));
  const camel = words.join('-').replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase());
  return method.toLowerCase() + (camel.charAt(0).toUpperCase() + camel.slice(1) || 'Root');
}

/**
 * Every answer the test helpers get is held to the API's contract: its status must be one the
 * OpenAPI document declares for the operation, and its JSON must match the schema the document was
 * made from (service/api/contract). A mismatch fails the test that made the call.
 */
import { AssertionError } from 'node:assert';
import { API_PREFIX } from '../../service/api/route-rules.js';
import { API_OPERATIONS, type Operation } from '../../service/api/contract/operations.js';
import { openApiDocument } from '../../service/api/contract/openapi.js';
import { ErrorBody } from '../../service/api/contract/shapes.js';

interface Template {
  key: string;
  method: string;
  pattern: RegExp;
  literals: number;
  operation: Operation;
}

const templates: Template[] = Object.entries(API_OPERATIONS).map(([key, operation]) => {
  const [method, path] = key.split(' ') as [string, string];
  const parts = path.split('/');
  const pattern = new RegExp(`^${parts.map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.]/g, '\\.'))).join('/')}$`);
  return { key, method, pattern, literals: parts.filter((part) => !part.startsWith('{')).length, operation };
});

/** The operation a call to `/api/v1<path>` reached; undefined for a path the API does not have. */
export function operationOf(method: string, path: string): Template | undefined {
  const bare = path.split('?')[0]!;
  return templates
    .filter((t) => t.method === method && t.pattern.test(bare))
    .sort((a, b) => b.literals - a.literals)[0];
}

/** Throws when an answer of `/api/v1<path>` is not as the contract says. */
export function checkAnswer(method: string, path: string, answer: { status: number; body: unknown; contentType: string | null }): void {
  const found = operationOf(method, path);
  const where = `${method} ${API_PREFIX}${path} answered ${answer.status}`;
  if (found === undefined) {
    // The answer to a path the API does not have.
    if (answer.status !== 404 || !ErrorBody.safeParse(answer.body).success) fail(`${where}, but no operation has that path`, answer.body);
    return;
  }
  const { operation, key } = found;
  const responses = openApiDocument('test').paths?.[`${API_PREFIX}${key.slice(key.indexOf(' ') + 1)}`]?.[method.toLowerCase() as 'get']?.responses ?? {};
  if (!(String(answer.status) in responses)) fail(`${where}, which the document does not declare for ${key} (it has ${Object.keys(responses).join(', ')})`, answer.body);
  const success = answer.status === (operation.status ?? 200);
  if (success && operation.media) {
    if (!answer.contentType?.startsWith(operation.media)) fail(`${where} as ${answer.contentType}, not ${operation.media}`, answer.body);
    return;
  }
  const schema = success ? operation.answer! : (operation.answers?.[answer.status] ?? ErrorBody);
  const checked = schema.safeParse(answer.body);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    fail(`${where}, not as ${key} declares: ${issues.join('; ')}`, answer.body);
  }
}

function fail(message: string, body: unknown): never {
  throw new AssertionError({ message: `${message}\n${JSON.stringify(body).slice(0, 500)}` });
}

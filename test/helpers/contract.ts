/**
 * Every answer the test helpers get is held to the API's contract: its status must be one the
 * OpenAPI document declares for the operation, and its JSON must match the schema the document was
 * made from (service/api/contract), with no field the schema leaves out. A mismatch fails the test
 * that made the call.
 */
import { AssertionError } from 'node:assert';
import { API_PREFIX, API_RULES } from '../../service/api/route-rules.js';
import { API_OPERATIONS } from '../../service/api/contract/operations.js';
import { answersOf, ruleKey, type Answers } from '../../service/api/contract/openapi.js';
import { ErrorBody } from '../../service/api/contract/shapes.js';

interface Template {
  key: string;
  method: string;
  pattern: RegExp;
  literals: number;
  answers: Answers;
}

const templates: Template[] = Object.entries(API_OPERATIONS).map(([key, operation]) => {
  const [method, path] = key.split(' ') as [string, string];
  const parts = path.split('/');
  const pattern = new RegExp(`^${parts.map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.]/g, '\\.'))).join('/')}$`);
  // The answers the document declares, made as openapi.ts makes them (without making the whole document).
  const answers = answersOf(key, operation, API_PREFIX, API_RULES[ruleKey(key)]!.role);
  return { key, method, pattern, literals: parts.filter((part) => !part.startsWith('{')).length, answers };
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
  const { answers, key } = found;
  const schema = answers.get(answer.status);
  if (schema === undefined) fail(`${where}, which the document does not declare for ${key} (it has ${[...answers.keys()].join(', ')})`, answer.body);
  if (typeof schema === 'string') {
    if (!answer.contentType?.startsWith(schema)) fail(`${where} as ${answer.contentType}, not ${schema}`, answer.body);
    return;
  }
  const checked = schema.safeParse(answer.body);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    fail(`${where}, not as ${key} declares: ${issues.join('; ')}`, answer.body);
  }
  // A closed schema drops the fields it does not name: any such field is one the document leaves out.
  const extra = undeclared(answer.body, checked.data, '');
  if (extra.length > 0) fail(`${where} with fields ${key} does not declare: ${extra.slice(0, 5).join(', ')}`, answer.body);
}

/** Paths of the fields in `sent` that parsing dropped. */
function undeclared(sent: unknown, kept: unknown, at: string): string[] {
  if (Array.isArray(sent) && Array.isArray(kept)) return sent.flatMap((item, i) => undeclared(item, kept[i], `${at}[${i}]`));
  if (typeof sent !== 'object' || sent === null || typeof kept !== 'object' || kept === null) return [];
  return Object.entries(sent).flatMap(([name, value]) => {
    const path = at === '' ? name : `${at}.${name}`;
    return name in kept ? undeclared(value, (kept as Record<string, unknown>)[name], path) : [path];
  });
}

function fail(message: string, body: unknown): never {
  throw new AssertionError({ message: `${message}\n${JSON.stringify(body).slice(0, 500)}` });
}

/**
 * docs/API.md from the OpenAPI document: one section per operation (role, parameters, body,
 * answers) and one table per schema. `npm run docs:api` writes it; test/docs/api-reference.test.ts
 * fails when the page no longer matches the document.
 */
import type { openApiDocument } from '../service/api/contract/openapi.js';

type Document = ReturnType<typeof openApiDocument>;
type Schema = Record<string, any>;

const METHODS = ['get', 'post', 'put', 'delete'] as const;

export function apiReference(document: Document): string {
  const lines: string[] = [
    '# HTTP API reference',
    '',
    '<!-- Made by `npm run docs:api` from the OpenAPI document; edit service/api/contract/, not this page. -->',
    '',
    'Every operation of the service, made from the OpenAPI 3.1 document it serves at',
    '`GET /api/v1/openapi.json` (with the API\'s sign-in). That document is made from the schemas the',
    'routes validate requests with, so this page, the document and the service agree.',
    '',
    '**Sign-in.** A webmin session cookie from `POST /api/v1/login`, or `Authorization: Bearer <token>`',
    'with a user\'s API token or QUICKJOBS_API_TOKEN. Each operation names the least role that may call it.',
    '',
    '**Errors** are `{"error": {"code", "message", …}}`; a bad field is 422 `invalid` naming it in',
    '`field` (`ranges[0].to`, `notify.email`). See [Error](#error).',
    '',
  ];
  const operations = [...allOperations(document)];
  const tags = [...new Set(operations.map((op) => op.operation.tags?.[0] ?? 'other'))];
  lines.push('## Operations', '');
  for (const tag of tags) {
    lines.push(`- **${tag}**: ${operations.filter((op) => (op.operation.tags?.[0] ?? 'other') === tag).map((op) => `[${op.method.toUpperCase()} ${op.path}](#${anchor(op.method, op.path)})`).join(', ')}`);
  }
  lines.push('');
  for (const tag of tags) {
    lines.push(`## ${tag}`, '');
    for (const op of operations.filter((one) => (one.operation.tags?.[0] ?? 'other') === tag)) lines.push(...operationSection(op.method, op.path, op.operation));
  }
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries<Schema>(document.components?.schemas ?? {})) lines.push(...schemaSection(name, schema));
  return `${lines.join('\n').trimEnd()}\n`;
}

function* allOperations(document: Document) {
  for (const [path, item] of Object.entries<Schema>(document.paths ?? {})) {
    for (const method of METHODS) if (item[method]) yield { method, path, operation: item[method] as Schema };
  }
}

function anchor(method: string, path: string): string {
  return `${method}-${path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function operationSection(method: string, path: string, operation: Schema): string[] {
  const lines = [`<a id="${anchor(method, path)}"></a>`, `### ${method.toUpperCase()} \`${path}\``, '', `${operation.summary}.`, ''];
  if (operation.description) lines.push(operation.description, '');
  const params: Schema[] = operation.parameters ?? [];
  if (params.length > 0) {
    lines.push('| parameter | in | type | |', '|---|---|---|---|');
    for (const param of params) lines.push(`| \`${param.name}\` | ${param.in} | ${typeOf(param.schema)} | ${cell(param.description ?? param.schema.description ?? '')} |`);
    lines.push('');
  }
  const body = operation.requestBody?.content?.['application/json']?.schema;
  if (body) lines.push(`Body: ${typeOf(body)}`, '');
  const answers = Object.entries<Schema>(operation.responses ?? {});
  const ok = answers.filter(([status]) => status.startsWith('2'));
  for (const [status, response] of ok) {
    const [media, content] = Object.entries<Schema>(response.content ?? {})[0] ?? ['', {}];
    lines.push(`Answer: ${status}, ${media === 'application/json' ? typeOf(content.schema) : `\`${media}\``}`, '');
  }
  const others = answers.filter(([status]) => !status.startsWith('2')).map(([status, response]) => {
    const schema = response.content?.['application/json']?.schema;
    return schema?.$ref?.endsWith('/Error') ? status : `${status} (${typeOf(schema)})`;
  });
  if (others.length > 0) lines.push(`Errors: ${others.join(', ')}`, '');
  return lines;
}

function schemaSection(name: string, schema: Schema): string[] {
  const lines = [`### ${name}`, ''];
  if (schema.description) lines.push(schema.description, '');
  if (schema.type !== 'object' || !schema.properties) return [...lines, typeOf(schema), ''];
  const required = new Set<string>(schema.required ?? []);
  lines.push('| field | type | |', '|---|---|---|');
  for (const [field, property] of Object.entries<Schema>(schema.properties)) {
    lines.push(`| \`${field}\`${required.has(field) ? '' : '?'} | ${typeOf(property)} | ${cell(property.description ?? '')} |`);
  }
  if (schema.additionalProperties === false) lines.push('', 'Other fields are refused.');
  return [...lines, ''];
}

/** A schema as a short type: `string`, `integer 1…86400`, `Job[]`, `"safe" \| "live"`. */
function typeOf(schema: Schema | undefined): string {
  if (schema === undefined) return 'any';
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.enum) return schema.enum.map((value: unknown) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf).map(typeOf).join(' \\| ');
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  const main = types.filter((type) => type !== 'null').map((type) => {
    if (type === 'array') return `${typeOf(schema.items)}[]`;
    if (type === 'object' && schema.properties) return `{${Object.keys(schema.properties).join(', ')}}`;
    return type;
  });
  const limits = [
    schema.minimum !== undefined || schema.maximum !== undefined ? `${schema.minimum ?? ''}…${schema.maximum ?? ''}` : '',
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : '',
    schema.format ? schema.format : '',
  ].filter(Boolean);
  return `${main.join(' \\| ')}${types.includes('null') ? ' \\| null' : ''}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/**
 * The API's OpenAPI document (SPEC §11): a valid OpenAPI 3.1 document, served with the API's sign-in,
 * naming every route the app serves with the role route-rules.ts gives it, and describing the very
 * schemas the routes validate with. That every answer matches its declared schema is checked on
 * every call the test helpers make (test/helpers/contract.ts); the last tests here show that check bites.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validate, compileErrors } from '@readme/openapi-parser';
import { ruleFor } from '../../../service/api/route-rules.js';
import { VERSION } from '../../../service/main.js';
import { checkAnswer, operationOf } from '../../helpers/contract.js';
import { createTestService, type TestService } from '../../helpers/app.js';

let t: TestService;
let document: any;
before(async () => {
  t = await createTestService();
  const res = await t.api('/openapi.json');
  assert.equal(res.status, 200);
  document = res.body;
});
after(async () => {
  await t.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation in the document as `METHOD /path` with Hono's `:param`s. */
function documented(): Map<string, any> {
  const operations = new Map<string, any>();
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const method of METHODS) if (item[method]) operations.set(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, item[method]);
  }
  return operations;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(document.openapi, '3.1.0');
    const result = await validate(structuredClone(document));
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.equal(document.info.version, VERSION);
  });

  it('needs the same sign-in as the API', async () => {
    const res = await t.api('/openapi.json', { auth: false });
    assert.equal(res.status, 401);
  });

  it('describes every route the app serves, and nothing else', () => {
    const operations = documented();
    const served = new Set<string>();
    for (const route of t.service.app.routes) if (route.method !== 'ALL') served.add(`${route.method} ${route.path}`);
    assert.deepEqual([...served].filter((key) => !operations.has(key)), [], 'served but not in the document');
    assert.deepEqual([...operations.keys()].filter((key) => !served.has(key)), [], 'in the document but not served');
    assert.ok(served.size >= 46, `only ${served.size} routes`);
  });

  it('states for each operation the role route-rules.ts gives it, and who may call it without signing in', () => {
    for (const [key, operation] of documented()) {
      const [method, path] = key.split(' ') as [string, string];
      const role = ruleFor(method, path)?.role;
      assert.equal(operation['x-quickjobs-role'], role, key);
      if (role === 'public') assert.deepEqual(operation.security, [], key);
      else {
        assert.equal(operation.security, undefined, `${key} uses the document's security`);
        assert.ok(operation.responses['401'] && operation.responses['403'], `${key} declares 401 and 403`);
      }
    }
    assert.deepEqual(document.security, [{ session: [] }, { bearer: [] }]);
    assert.equal(document.components.securitySchemes.session.in, 'cookie');
    assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
  });

  it('describes each body and error answer', () => {
    for (const [key, operation] of documented()) {
      if (!key.startsWith('POST') && !key.startsWith('PUT')) continue;
      if (key === 'POST /api/v1/logout' || key.endsWith('/reload') || key.endsWith('/restore') || key.endsWith('/cancel')) continue;
      assert.ok(operation.requestBody?.content['application/json'].schema, `${key} has a body schema`);
      assert.equal(operation.responses['422']?.content['application/json'].schema.$ref, '#/components/schemas/Error', `${key} declares 422`);
    }
    const error = document.components.schemas.Error;
    assert.deepEqual(error.required, ['error']);
    assert.ok(error.properties.error.properties.field, 'errors name the field');
  });

  it('refuses an unknown field of every body the document closes, naming it as a 422', async () => {
    let checked = 0;
    for (const [key, operation] of documented()) {
      const ref: string | undefined = operation.requestBody?.content['application/json'].schema.$ref;
      const schema = ref && document.components.schemas[ref.split('/').pop()!];
      if (!schema || schema.additionalProperties !== false) continue;
      const [method, path] = key.split(' ') as [string, string];
      const concrete = path.replace('/api/v1', '').replace(/:[a-z]+/g, 'nothing-here');
      const res = await t.api(concrete, { method, body: { zzUnknown: 1 } });
      assert.equal(res.status, 422, `${key}: ${JSON.stringify(res.body)}`);
      assert.deepEqual([res.body.error.code, res.body.error.field], ['invalid', 'zzUnknown'], key);
      checked++;
    }
    assert.ok(checked >= 12, `only ${checked} closed bodies`);
  });

  it('gives the limits the routes check: a value past the documented maximum is refused naming its field', async () => {
    const interval = document.components.schemas.JobCreate.properties.interval;
    const over = await t.api('/jobs', { method: 'POST', body: { name: 'over', interval: interval.maximum + 1 } });
    assert.deepEqual([over.status, over.body.error.field], [422, 'interval']);
    const at = await t.api('/jobs', { method: 'POST', body: { name: 'at', interval: interval.maximum } });
    assert.equal(at.status, 201);
  });
});

describe('the check every test call goes through', () => {
  it('allows exactly the statuses the document declares for each operation', () => {
    for (const [key, operation] of documented()) {
      if (!key.includes('/api/v1/')) continue;
      const found = operationOf(key.split(' ')[0]!, key.slice(key.indexOf('/api/v1') + 7).replace(/:[a-z]+/g, 'x'));
      assert.deepEqual([...found!.answers.keys()].map(String).sort(), Object.keys(operation.responses).sort(), key);
    }
  });

  it('accepts an answer as declared', async () => {
    const job = await t.api('/jobs/at');
    assert.equal(job.status, 200);
    checkAnswer('GET', '/jobs/at', { status: 200, body: job.body, contentType: 'application/json' });
  });

  it('fails an answer whose field has the wrong type', async () => {
    const job = await t.api('/jobs/at');
    assert.throws(() => checkAnswer('GET', '/jobs/at', { status: 200, body: { ...job.body, running: 'yes' }, contentType: 'application/json' }), /running/);
  });

  it('fails an answer with a field the document does not declare', async () => {
    const job = await t.api('/jobs/at');
    assert.throws(() => checkAnswer('GET', '/jobs/at', { status: 200, body: { ...job.body, secretSauce: 1 }, contentType: 'application/json' }), /secretSauce/);
  });

  it('fails a status the document does not declare for the operation', () => {
    assert.throws(() => checkAnswer('GET', '/jobs', { status: 409, body: { error: { code: 'conflict', message: 'x' } }, contentType: 'application/json' }), /does not declare/);
  });

  it('fails an error answer without the error shape', () => {
    assert.throws(() => checkAnswer('GET', '/jobs/x', { status: 404, body: { message: 'gone' }, contentType: 'application/json' }), /not as/);
  });
});

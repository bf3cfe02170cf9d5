/**
 * One table says who may call every route (SPEC §14). These walk every route the app has: a route
 * missing from the table fails here, and every route is called as every role and must be refused
 * exactly when the table says so, checked against a hand-written expectation for the key ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_PREFIX, API_RULES, OTHER_RULES, ruleFor } from '../../../service/api/route-rules.js';
import { checkAnswer } from '../../helpers/contract.js';
import { ROLES, roleIncludes, type Role } from '../../../service/users/types.js';
import { createRoleService, type RoleService } from './role-fixture.js';

let t: RoleService;
before(async () => {
  t = await createRoleService();
});
after(async () => {
  await t.close();
});

/** Every route the app answers, as Hono registered it: handlers, not middleware or the 404 answer. */
function appRoutes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const routes: Array<{ method: string; path: string }> = [];
  for (const route of t.service.app.routes) {
    if (route.method === 'ALL') continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method: route.method, path: route.path });
  }
  return routes;
}

/** A concrete path: parameters filled with names nothing has. */
const concrete = (path: string) => path.replace(/:id\b/g, '424242').replace(/:version\b/g, '7').replace(/:[a-z]+/g, 'nothing-here');

async function call(method: string, path: string, authorization: string | null): Promise<number> {
  // Same-origin, so the cross-site guard lets an anonymous write through to the sign-in check.
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: 'http://localhost' };
  if (authorization !== null) headers.authorization = authorization;
  const url = concrete(path);
  const response = await t.service.app.request(url, { method, headers, body: method === 'GET' ? undefined : '{}' });
  const contentType = response.headers.get('content-type');
  // Event streams never end by themselves; their status is all this needs.
  if (contentType?.startsWith('text/event-stream') || !url.startsWith(API_PREFIX)) {
    await response.body?.cancel();
    return response.status;
  }
  // Every refusal and answer here is held to the API's contract too.
  const text = await response.text();
  checkAnswer(method, url.slice(API_PREFIX.length), { status: response.status, body: contentType?.startsWith('application/json') ? JSON.parse(text) : text, contentType });
  return response.status;
}

describe('the route table', () => {
  it('names every route of the app, and nothing the app does not have', () => {
    const routes = appRoutes();
    const missing = routes.filter((route) => ruleFor(route.method, route.path) === undefined).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, [], 'routes without a rule in service/api/route-rules.ts');
    const have = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const stale = [
      ...Object.keys(API_RULES).map((key) => key.replace(' ', ' /api/v1').replace(/\/$/, '')),
      ...Object.keys(OTHER_RULES),
    ].filter((key) => !have.has(key));
    assert.deepEqual(stale, [], 'rules for routes the app does not have');
    assert.ok(routes.length >= 45, `only ${routes.length} routes walked`);
  });

  it('refuses each signed-in route to exactly the roles below its rule, as 403 forbidden naming the role', async () => {
    const wrong: string[] = [];
    for (const route of appRoutes()) {
      const rule = ruleFor(route.method, route.path)!;
      if (rule.role === 'public' || route.path === '/api/v1/logout' || route.path === '/api/v1/login') continue;
      // Signing out is not signing in; the reload it would cause is real but harmless here.
      for (const role of ROLES) {
        const status = await call(route.method, route.path, `Bearer ${t.tokens[role]}`);
        const allowed = roleIncludes(role, rule.role);
        if (allowed ? status === 403 || status === 401 : status !== 403) wrong.push(`${route.method} ${route.path} as ${role}: ${status}`);
      }
      const anonymous = await call(route.method, route.path, null);
      if (anonymous !== 401) wrong.push(`${route.method} ${route.path} without credentials: ${anonymous}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('answers 403 forbidden with the role needed', async () => {
    const res = await t.as('viewer', '/jobs', { method: 'POST', body: { name: 'x', interval: 60 } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal(res.body.error.role, 'editor');
    assert.match(res.body.error.message, /editor/);
  });

  it('leaves the login, the health check and the webmin open', async () => {
    for (const [method, path] of [['GET', '/healthz'], ['GET', '/'], ['POST', '/api/v1/login']] as const) {
      assert.notEqual(await call(method, path, null), 401, `${method} ${path}`);
    }
  });
});

describe('the key routes, by hand', () => {
  // The least role each needs, written out rather than read from the table.
  const expected: Array<[string, string, Role]> = [
    ['GET', '/api/v1/jobs', 'viewer'],
    ['GET', '/api/v1/secrets', 'viewer'],
    ['GET', '/api/v1/runs/:id', 'viewer'],
    ['POST', '/api/v1/jobs/:name/run', 'operator'],
    ['POST', '/api/v1/runs/:id/cancel', 'operator'],
    ['POST', '/api/v1/reload', 'operator'],
    ['PUT', '/api/v1/jobs/:name/code', 'editor'],
    ['POST', '/api/v1/jobs', 'editor'],
    ['DELETE', '/api/v1/jobs/:name', 'editor'],
    ['POST', '/api/v1/periods', 'editor'],
    ['GET', '/api/v1/audit', 'editor'],
    ['PUT', '/api/v1/secrets/:name', 'admin'],
    ['POST', '/api/v1/users', 'admin'],
    ['PUT', '/api/v1/users/:name', 'admin'],
    ['POST', '/api/v1/tokens', 'admin'],
    ['PUT', '/api/v1/me/password', 'viewer'],
  ];
  for (const [method, path, least] of expected) {
    it(`${method} ${path} needs ${least}`, async () => {
      assert.equal(ruleFor(method, path)?.role, least);
      for (const role of ROLES) {
        const status = await call(method, path, `Bearer ${t.tokens[role]}`);
        assert.equal(status === 403, !roleIncludes(role, least), `${role}: ${status}`);
      }
    });
  }

  it('lets an operator activate and deactivate a job, but not change anything else about it', async () => {
    assert.equal((await t.api('/jobs', { method: 'POST', body: { name: 'switched', interval: 3600 } })).status, 201);
    assert.equal((await t.as('operator', '/jobs/switched', { method: 'PUT', body: { active: false } })).status, 200);
    assert.equal((await t.as('operator', '/jobs/switched', { method: 'PUT', body: { active: true } })).status, 200);
    assert.equal((await t.as('operator', '/jobs/switched', { method: 'PUT', body: { active: true, interval: 60 } })).status, 403);
    assert.equal((await t.as('viewer', '/jobs/switched', { method: 'PUT', body: { active: false } })).status, 403);
    // A draft is unsaved code: running it is an editor's.
    assert.equal((await t.as('operator', '/jobs/switched/run', { method: 'POST', body: { code: 'return job.OK;' } })).status, 403);
  });

  it('shows a viewer secret names but never a value, and lets it run nothing', async () => {
    assert.equal((await t.api('/secrets/DB_PASS', { method: 'PUT', body: { value: 'hunter2-very-secret' } })).status, 200);
    const list = await t.as('viewer', '/secrets');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((s: { name: string }) => s.name), ['DB_PASS']);
    assert.doesNotMatch(JSON.stringify(list.body), /hunter2/);
    assert.equal((await t.api('/jobs', { method: 'POST', body: { name: 'viewed', interval: 3600 } })).status, 201);
    assert.equal((await t.as('viewer', '/jobs/viewed/run', { method: 'POST' })).status, 403);
  });

  it('keeps an operator from saving code and an editor from adding users', async () => {
    assert.equal((await t.api('/jobs', { method: 'POST', body: { name: 'coded', interval: 3600 } })).status, 201);
    assert.equal((await t.as('operator', '/jobs/coded/code', { method: 'PUT', body: { code: 'return job.OK;' } })).status, 403);
    assert.equal((await t.as('editor', '/jobs/coded/code', { method: 'PUT', body: { code: 'return job.OK;' } })).status, 200);
    assert.equal((await t.as('editor', '/users', { method: 'POST', body: { name: 'sneaky', role: 'admin', password: 'sneaky-pass' } })).status, 403);
    assert.equal((await t.api('/users')).body.some((u: { name: string }) => u.name === 'sneaky'), false);
  });
});

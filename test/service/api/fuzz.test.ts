/**
 * Seeded fuzzing of the HTTP edge: thousands of random bodies, query strings, headers and
 * credentials against every route. Every answer must be a 4xx JSON error (GETs with a valid token
 * may answer 200) and never a 5xx, and nothing in the store may change. Bounded in time for CI;
 * set QUICKJOBS_FUZZ_SEED to replay a failure and QUICKJOBS_FUZZ_RUNS to go longer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createTestService, TEST_TOKEN, type TestService } from '../../helpers/app.js';

const SEED = Number(process.env.QUICKJOBS_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.QUICKJOBS_FUZZ_RUNS ?? 4000);
const TIME_LIMIT_MS = 20_000;

/** Every field some route accepts: random bodies leave them out, so no write can be valid by chance. */
const KNOWN_FIELDS = new Set(['name', 'description', 'interval', 'cron', 'timezone', 'runOnce', 'active', 'timeout', 'missed', 'onError', 'notify', 'code', 'baseVersion', 'password', 'mode', 'value']);

const jobName = fc.oneof(fc.constant('fuzzed'), fc.constant('nope'), fc.string({ maxLength: 80 }), fc.constantFrom('..', '%2e%2e', '__proto__', 'a'.repeat(300), '%00', 'x/y'));
const runId = fc.oneof(fc.integer().map(String), fc.string({ maxLength: 20 }), fc.constantFrom('1e309', '-0', '0x10', 'NaN', '9'.repeat(40)));

/** Route templates: [method, path]; paths are encoded as a client would send them. */
const enc = encodeURIComponent;
const route: fc.Arbitrary<readonly [string, string]> = fc.oneof<fc.Arbitrary<readonly [string, string]>[]>(
  fc.tuple(fc.constant('POST'), fc.constant('/jobs')),
  jobName.map((n) => ['GET', `/jobs/${enc(n)}`] as const),
  jobName.map((n) => ['PUT', `/jobs/${enc(n)}`] as const),
  jobName.map((n) => ['DELETE', `/jobs/${enc(n)}`] as const),
  jobName.map((n) => ['GET', `/jobs/${enc(n)}/code`] as const),
  jobName.map((n) => ['PUT', `/jobs/${enc(n)}/code`] as const),
  jobName.map((n) => ['GET', `/jobs/${enc(n)}/versions`] as const),
  fc.tuple(jobName, runId).map(([n, v]) => ['GET', `/jobs/${enc(n)}/versions/${enc(v)}`] as const),
  jobName.map((n) => ['GET', `/jobs/${enc(n)}/alerts`] as const),
  jobName.map((n) => ['POST', `/jobs/${enc(n)}/run`] as const),
  fc.tuple(fc.constant('GET'), fc.constant('/jobs')),
  fc.tuple(fc.constant('GET'), fc.constant('/runs')),
  runId.map((id) => ['GET', `/runs/${enc(id)}`] as const),
  runId.map((id) => ['GET', `/runs/${enc(id)}/events`] as const),
  fc.tuple(fc.constant('GET'), fc.constant('/secrets')),
  jobName.map((n) => ['PUT', `/secrets/${enc(n)}`] as const),
  jobName.map((n) => ['DELETE', `/secrets/${enc(n)}`] as const),
  runId.map((id) => ['POST', `/runs/${enc(id)}/cancel`] as const),
  jobName.map((n) => ['GET', `/jobs/${enc(n)}/upcoming`] as const),
  fc.tuple(fc.constant('POST'), fc.constant('/schedule/preview')),
  fc.tuple(fc.constant('GET'), fc.constant('/stats')),
  fc.tuple(fc.constant('GET'), fc.constant('/status')),
  fc.tuple(fc.constant('POST'), fc.constant('/reload')),
  fc.tuple(fc.constant('GET'), fc.constant('/events')),
  fc.tuple(fc.constant('POST'), fc.constant('/login')),
  fc.tuple(fc.constant('POST'), fc.constant('/logout')),
  fc.tuple(fc.constantFrom('PATCH', 'OPTIONS', 'HEAD', 'GET', 'POST'), fc.string({ maxLength: 40 }).map((p) => `/${enc(p)}`)),
);

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(1e309, -1, 0, 2 ** 53 + 1, '', ' ', '\u0000', '\ud800', 'x'.repeat(100_000), '../../etc/passwd', '<script>', "' OR 1=1 --"),
);
const unknownKey = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '')).filter((k) => !KNOWN_FIELDS.has(k));

const body = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(unknownKey, hostileValue, { minKeys: 1, maxKeys: 6 }).map((o) => JSON.stringify(o)),
  // Own-property __proto__ keys, which JSON.stringify of an object literal cannot produce.
  hostileValue.map((v) => `{"__proto__": ${JSON.stringify(v) ?? 'null'}, "constructor": {"prototype": 1}}`),
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 1, max: 50_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.constantFrom('{', '{"a":}', 'null', '[]', '""', '1e999', '\ufeff{}', '{"a":1}{"b":2}'),
);

const query = fc.array(fc.tuple(fc.constantFrom('job', 'limit', 'before', 'n', 'x', 'job[]', '__proto__', '', 'outcome', 'trigger', 'since', 'until', 'days'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'NaN', '1.5', '%', '&'))), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`));

const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''), headerValue),
    origin: fc.oneof(fc.constantFrom('http://localhost', 'http://localhost:9999', 'null', 'https://evil.example'), headerValue),
    'sec-fetch-site': fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'bogus'),
    'x-forwarded-for': headerValue,
    'x-forwarded-proto': fc.constantFrom('https', 'http', 'gopher', ''),
    accept: headerValue,
    'content-length': fc.constantFrom('0', '-1', '99999999999', 'abc'),
  },
  { requiredKeys: [] },
);

/** Who the request claims to be. A valid token is used only where no answer could change state. */
const credentials = fc.constantFrom('none', 'wrong-token', 'forged-cookie', 'stale-cookie', 'token');

type Request = { method: string; path: string; query: string; body: string | undefined; headers: Record<string, string>; who: string };

const request = fc
  .record({ route, query, body, headers, who: credentials })
  .map(({ route: [method, path], ...rest }): Request => ({ method, path, ...rest }))
  // With a valid token, writes that take no body (delete, reload, logout, run) would do their job.
  .filter((r) => r.who !== 'token' || r.method === 'GET' || (['POST', 'PUT'].includes(r.method) && r.body !== undefined && !/\/(reload|logout|login)$/.test(r.path)));

describe('the API under random requests', () => {
  let t: TestService;
  let staleCookie: string;

  before(async () => {
    t = await createTestService();
    const code = 'const job = core.job();\njob.run = () => job.OK;\nreturn job;';
    assert.equal((await t.api('/jobs', { method: 'POST', body: { name: 'fuzzed', interval: 3600, active: false, code } })).status, 201);
    assert.equal((await t.api('/secrets/fuzzed', { method: 'PUT', body: { value: 'a secret to keep' } })).status, 200);
    const login = await t.service.app.request('/api/v1/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost' }, body: JSON.stringify({ password: 'test-password-123' }) });
    staleCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    await t.service.app.request('/api/v1/logout', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost', cookie: staleCookie } });
  });
  after(() => t.close());

  async function snapshot(): Promise<string> {
    const { store } = t.service;
    const jobs = await store.listJobs();
    const code = await Promise.all(jobs.map(async (j) => [j.name, await store.listVersions(j.name), await store.getCode(j.name)]));
    const runs = await store.listRuns({ limit: 1000 });
    const alerts = await Promise.all(jobs.map((j) => store.listAlerts(j.name, 100)));
    return JSON.stringify({ jobs, code, runs, alerts, secrets: await store.listSecrets(), password: await store.getSetting('admin_password_hash') });
  }

  async function send(r: Request): Promise<{ status: number; type: string; text: string }> {
    const headers: Record<string, string> = { ...r.headers };
    if (r.who === 'token') headers.authorization = `Bearer ${TEST_TOKEN}`;
    if (r.who === 'wrong-token') headers.authorization = 'Bearer not-the-token-at-all';
    if (r.who === 'forged-cookie') headers.cookie = 'quickjobs_session=forged.forged';
    if (r.who === 'stale-cookie') headers.cookie = staleCookie;
    const response = await t.service.app.request(`/api/v1${r.path}${r.query}`, {
      method: r.method,
      headers,
      body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
    });
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, type, text: '' };
    }
    return { status: response.status, type, text: await response.text() };
  }

  it('answers every request with a 4xx (or a harmless 200 to a read) and changes nothing', async (ctx) => {
    const before = await snapshot();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const { status, type, text } = await send(r);
        sent += 1;
        assert.ok(status < 500, `${r.method} ${r.path}${r.query} answered ${status}: ${text.slice(0, 200)}`);
        if (status >= 400) {
          if (r.method !== 'HEAD') {
            assert.match(type, /application\/json/, `${r.method} ${r.path} answered ${status} as ${type}`);
            assert.equal(typeof (JSON.parse(text) as { error?: { code?: unknown } }).error?.code, 'string');
          }
        } else {
          // Logging out clears only the caller's own cookie, so it may answer anyone.
          const harmless = (r.who === 'token' && ['GET', 'HEAD', 'OPTIONS'].includes(r.method)) || r.path === '/logout';
          assert.ok(harmless, `${r.method} ${r.path} as ${r.who} answered ${status}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    ctx.diagnostic(`${sent} requests, seed ${SEED}`);
    assert.ok(sent >= Math.min(RUNS, 1000), `only ${sent} requests were sent in ${TIME_LIMIT_MS / 1000} s`);
    assert.equal(await snapshot(), before);
  });
});

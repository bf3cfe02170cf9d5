import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestService, TEST_PASSWORD, type TestService } from '../../helpers/app.js';
import { startGate, type Gate } from '../../helpers/gate.js';

let t: TestService;
/** Jobs that must be caught mid-run wait on it. */
let gate: Gate;

before(async () => {
  gate = await startGate();
  t = await createTestService({ QUICKJOBS_NETWORK_ALLOW: '127.0.0.1' });
});
after(async () => {
  await t.close();
  await gate.close();
});

async function jobNames(): Promise<string[]> {
  const { body } = await t.api('/jobs');
  return (body as Array<{ name: string }>).map((j) => j.name).sort();
}

describe('authentication', () => {
  it('answers 401 without a token or session, and /healthz stays open', async () => {
    const res = await t.api('/jobs', { auth: false });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
    const health = await t.service.app.request('/healthz');
    assert.equal(health.status, 200);
  });

  it('refuses a wrong bearer token', async () => {
    const res = await t.api('/jobs', { auth: false, headers: { authorization: 'Bearer nope-nope-nope-nope' } });
    assert.equal(res.status, 401);
  });

  it('logs in with the password into an HttpOnly SameSite=Strict session cookie that opens the API', async () => {
    // A browser states its origin on every write; the service refuses cookie writes without one.
    const origin = { origin: 'http://localhost' };
    const wrong = await t.api('/login', { method: 'POST', auth: false, body: { password: 'wrong-password' }, headers: origin });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'bad_password');

    const login = await t.api('/login', { method: 'POST', auth: false, body: { password: TEST_PASSWORD }, headers: origin });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    const session = cookie.split(';')[0]!;
    const status = await t.api('/status', { auth: false, headers: { cookie: session } });
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'running');

    assert.equal((await t.api('/logout', { method: 'POST', auth: false, headers: { cookie: session, ...origin } })).status, 200);
    const after = await t.api('/status', { auth: false, headers: { cookie: session } });
    assert.equal(after.status, 401);
  });
});

describe('creating a job', () => {
  it('creates with defaults and the template, answering 201 with the job', async () => {
    const res = await t.api('/jobs', { method: 'POST', body: { name: 'hello', interval: 60 } });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'hello');
    assert.equal(res.body.interval, 60);
    assert.equal(res.body.cron, null);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.active, true);
    assert.equal(res.body.timeout, 30);
    assert.equal(res.body.missed, 'once');
    assert.equal(res.body.version, 1);
    assert.equal(res.body.running, false);
    const nextRunAt = Date.parse(res.body.nextRunAt);
    const createdAt = Date.parse(res.body.createdAt);
    assert.equal(nextRunAt - createdAt, 60_000);
    const code = await t.api('/jobs/hello/code');
    assert.match(code.body.code, /const job = core\.job\(\);/);
    assert.match(code.body.code, /return job;/);
  });

  it('refuses a name that exists with 409 exists', async () => {
    const res = await t.api('/jobs', { method: 'POST', body: { name: 'hello', interval: 5 } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'exists');
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['a bad name', { name: '1abc', interval: 5 }, 422, 'name'],
    ['a name with a slash', { name: 'a/b', interval: 5 }, 422, 'name'],
    ['a negative interval', { name: 'neg', interval: -5 }, 422, 'interval'],
    ['a fractional interval', { name: 'frac', interval: 1.5 }, 422, 'interval'],
    ['an interval over a year', { name: 'long', interval: 31_536_001 }, 422, 'interval'],
    ['both interval and cron', { name: 'both', interval: 5, cron: '* * * * *' }, 422, 'cron'],
    ['neither interval nor cron', { name: 'none' }, 422, 'interval'],
    ['an invalid cron', { name: 'badcron', cron: '61 * * * *' }, 422, 'cron'],
    ['an unknown time zone', { name: 'tz', cron: '* * * * *', timezone: 'Mars/Olympus' }, 422, 'timezone'],
    ['an unknown field', { name: 'extra', interval: 5, colour: 'red' }, 422, 'colour'],
    ['a wrong type', { name: 'type', interval: '5' }, 422, 'interval'],
    ['a bad missed policy', { name: 'miss', interval: 5, missed: 'all' }, 422, 'missed'],
    ['a bad notify address', { name: 'notify', interval: 5, notify: { email: ['nope'] } }, 422, 'notify.email'],
    ['a body that is an array', [1, 2], 400, 'body'],
  ];
  for (const [what, body, status, field] of bad) {
    it(`refuses ${what} with ${status} naming "${field}" and creates nothing`, async () => {
      const before = await jobNames();
      const res = await t.api('/jobs', { method: 'POST', body });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.field, field);
      assert.deepEqual(await jobNames(), before);
    });
  }

  it('refuses a body that is not JSON with 400 bad_json', async () => {
    const res = await t.api('/jobs', { method: 'POST', raw: '{"name": "x", interval: ' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_json');
    assert.equal(res.body.error.field, 'body');
  });

  it('refuses a 10 MB body with 413 and creates nothing', async () => {
    const before = await jobNames();
    const res = await t.api('/jobs', { method: 'POST', raw: JSON.stringify({ name: 'big', interval: 5, code: 'x'.repeat(10 * 1024 * 1024) }) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'too_large');
    assert.deepEqual(await jobNames(), before);
  });

  it('refuses code that does not parse with 422 syntax_error, line and column', async () => {
    const res = await t.api('/jobs', { method: 'POST', body: { name: 'broken', interval: 5, code: 'const job = core.job();\nlet = ;\nreturn job;' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'syntax_error');
    assert.equal(res.body.error.line, 2);
    assert.equal(typeof res.body.error.column, 'number');
    assert.ok(!(await jobNames()).includes('broken'));
  });
});

describe('changing a job', () => {
  it('applies a partial update and answers with the updated job', async () => {
    await t.api('/jobs', { method: 'POST', body: { name: 'edit-me', interval: 100, description: 'before' } });
    const res = await t.api('/jobs/edit-me', { method: 'PUT', body: { description: 'after', timeout: 5 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.description, 'after');
    assert.equal(res.body.timeout, 5);
    assert.equal(res.body.interval, 100);
  });

  it('switches from interval to cron in one request', async () => {
    const res = await t.api('/jobs/edit-me', { method: 'PUT', body: { cron: '*/5 * * * *' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.interval, null);
    assert.equal(res.body.cron, '*/5 * * * *');
    assert.equal(new Date(res.body.nextRunAt).getUTCMinutes() % 5, 0);
  });

  it('refuses a bad update and changes nothing', async () => {
    const before = (await t.api('/jobs/edit-me')).body;
    for (const body of [{ interval: -1 }, { cron: 'nope' }, { interval: 5, cron: '* * * * *' }, { name: 'renamed' }, { unknown: 1 }]) {
      const res = await t.api('/jobs/edit-me', { method: 'PUT', body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(res.body.error.field);
    }
    assert.deepEqual((await t.api('/jobs/edit-me')).body, before);
  });

  it('answers 404 not_found for a job that does not exist', async () => {
    for (const [method, path] of [['GET', '/jobs/ghost'], ['PUT', '/jobs/ghost'], ['DELETE', '/jobs/ghost'], ['GET', '/jobs/ghost/code'], ['POST', '/jobs/ghost/run']]) {
      const res = await t.api(path!, { method, body: method === 'PUT' ? { description: 'x' } : undefined });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'not_found');
    }
  });

  it('deactivates with active:false (status exit) and reactivates with a fresh interval', async () => {
    const off = await t.api('/jobs/edit-me', { method: 'PUT', body: { active: false } });
    assert.equal(off.body.status, 'exit');
    assert.equal(off.body.nextRunAt, null);
    const on = await t.api('/jobs/edit-me', { method: 'PUT', body: { active: true, interval: 30 } });
    assert.equal(on.body.status, 'ok');
    const wait = Date.parse(on.body.nextRunAt) - Date.now();
    assert.ok(wait > 25_000 && wait <= 30_000, `next run in ${wait} ms`);
  });
});

describe('code and versions', () => {
  it('saves versions, refuses a stale baseVersion with 409 conflict and unparsable code with 422', async () => {
    await t.api('/jobs', { method: 'POST', body: { name: 'versions', interval: 100 } });
    const v2 = await t.api('/jobs/versions/code', { method: 'PUT', body: { code: 'const job = core.job(); job.run = () => job.OK; return job;', baseVersion: 1 } });
    assert.equal(v2.status, 200);
    assert.equal(v2.body.version, 2);

    const stale = await t.api('/jobs/versions/code', { method: 'PUT', body: { code: 'return 1;', baseVersion: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'conflict');

    const broken = await t.api('/jobs/versions/code', { method: 'PUT', body: { code: 'const job = core.job();\n\njob.run = () => {;\nreturn job;' } });
    assert.equal(broken.status, 422);
    assert.equal(broken.body.error.code, 'syntax_error');
    assert.equal(typeof broken.body.error.line, 'number');

    const current = await t.api('/jobs/versions/code');
    assert.equal(current.body.version, 2);
    const list = await t.api('/jobs/versions/versions');
    assert.deepEqual(list.body.map((v: { version: number }) => v.version).sort(), [1, 2]);
    const first = await t.api('/jobs/versions/versions/1');
    assert.match(first.body.code, /Place your job code here/);
    assert.equal((await t.api('/jobs/versions')).body.version, 2);
  });
});

describe('running a job now', () => {
  it('runs the saved code and answers with the finished run and its log', async () => {
    await t.api('/jobs', {
      method: 'POST',
      body: { name: 'manual', interval: 3600, code: 'const job = core.job();\njob.run = async () => { core.log("hello", {a: 1}); return job.SLEEP; };\nreturn job;' },
    });
    const res = await t.api('/jobs/manual/run', { method: 'POST' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'success');
    assert.equal(res.body.result, 'SLEEP');
    assert.equal(res.body.trigger, 'manual');
    assert.equal(res.body.codeVersion, 1);
    assert.deepEqual(res.body.logs.map((l: { message: string }) => l.message), ['hello {"a":1}']);
    // A manual run changes no status or schedule.
    const job = (await t.api('/jobs/manual')).body;
    assert.equal(job.status, 'ok');
    assert.equal(job.lastResult, null);

    const stored = await t.api(`/runs/${res.body.id}`);
    assert.equal(stored.body.outcome, 'success');
    const list = await t.api('/runs?job=manual&limit=5');
    assert.equal(list.body[0].id, res.body.id);
  });

  it('runs a draft without saving it', async () => {
    const res = await t.api('/jobs/manual/run', {
      method: 'POST',
      body: { code: 'const job = core.job(); job.run = () => { throw new Error("draft boom"); }; return job;' },
    });
    assert.equal(res.body.outcome, 'error');
    assert.match(res.body.error.message, /draft boom/);
    assert.equal(res.body.codeVersion, null);
    assert.equal((await t.api('/jobs/manual/code')).body.version, 1);
  });

  it('answers 409 already_running while the job runs', async () => {
    await t.api('/jobs', {
      method: 'POST',
      body: { name: 'slow', interval: 3600, code: `const job = core.job(); job.run = async () => { await core.network.get('${gate.url}'); return job.OK; }; return job;` },
    });
    const arrived = gate.arrived();
    const first = t.api('/jobs/slow/run', { method: 'POST' });
    await arrived;
    const second = await t.api('/jobs/slow/run', { method: 'POST' });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'already_running');
    gate.open();
    assert.equal((await first).body.outcome, 'success');
  });

  it('streams a running run\'s log over SSE and ends with the run', async () => {
    await t.api('/jobs', {
      method: 'POST',
      body: {
        name: 'streamer',
        interval: 3600,
        code: `const job = core.job(); job.run = async () => { core.log("one"); await core.network.get('${gate.url}'); core.log("two"); return job.OK; }; return job;`,
      },
    });
    const arrived = gate.arrived();
    const running = t.api('/jobs/streamer/run', { method: 'POST' });
    await arrived;
    const list = await t.api('/runs?job=streamer&limit=1');
    assert.equal(list.body[0]?.outcome, 'running', 'the run shows as running');
    const sse = await t.service.app.request(`/api/v1/runs/${list.body[0].id}/events`, { headers: { authorization: 'Bearer test-token-0123456789abcdef' } });
    assert.match(sse.headers.get('content-type') ?? '', /text\/event-stream/);
    gate.open();
    const text = await sse.text();
    assert.match(text, /event: log\ndata: .*"one"/);
    assert.match(text, /event: log\ndata: .*"two"/);
    assert.match(text, /event: end\ndata: .*"outcome":"success"/);
    await running;
  });

  it('deletes a job with its runs', async () => {
    const res = await t.api('/jobs/manual', { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.equal((await t.api('/jobs/manual')).status, 404);
    assert.deepEqual((await t.api('/runs?job=manual')).body, []);
  });
});

describe('status and reload', () => {
  it('reports the status object and reloads', async () => {
    const status = await t.api('/status');
    assert.equal(status.body.status, 'running');
    assert.equal(typeof status.body.version, 'string');
    assert.ok(status.body.jobs.total >= 1);
    assert.ok(status.body.pool.workers >= 2);
    assert.equal(typeof status.body.pool.busy, 'number');
    assert.equal(typeof status.body.pool.queued, 'number');
    assert.deepEqual({ ok: status.body.store.ok, kind: status.body.store.kind }, { ok: true, kind: 'sqlite' });
    const reload = await t.api('/reload', { method: 'POST' });
    assert.equal(reload.status, 200);
    assert.equal(reload.body.status, 'running');
    assert.ok(reload.body.reloadedAt);
  });
});

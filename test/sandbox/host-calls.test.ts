import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SandboxPool } from '../../sandbox/pool.js';
import type { RecordedCall } from './fixtures/counting-host.js';
import { hostPool, type HostPool } from './host-pool.js';
import { job, request } from './request.js';

let world: HostPool;
let pool: SandboxPool;
before(async () => {
  world = await hostPool({ workers: 1 });
  pool = world.pool;
});
after(() => world.close());

/**
 * Runs `body` as job.run for the fixture host's `recorder`, which keeps the run's calls and answers
 * each (data.save: 'new-id', mysql: `{ answered: name }`, else 'done'); the calls are read back
 * from the host as the run's last log line.
 */
async function withHost(body: string) {
  const code = job(`try {\n${body}\n} finally {\n  core.log(JSON.stringify((await core.data('recorded').get('calls'))[0]));\n}`);
  const outcome = await pool.run(request(code, { jobName: 'recorder' }));
  assert.equal(outcome.outcome, 'success', JSON.stringify(outcome));
  const logs = outcome.logs.map((entry) => entry.message);
  const calls = JSON.parse(logs.pop() ?? '[]') as RecordedCall[];
  return { calls, logs };
}

describe('host calls', () => {
  it('sends each mysql helper with its arguments and resolves to the tuple', async () => {
    const { calls, logs } = await withHost(
      [
        'const names = ["query", "select", "selectOne", "selectCount", "insert", "update", "delete"];',
        'for (const name of names) core.log(JSON.stringify(await core.mysql[name]("db", { tbl: name }, [1, "two"])));',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(
      calls.map((call) => call.name),
      ['mysql.query', 'mysql.select', 'mysql.selectOne', 'mysql.selectCount', 'mysql.insert', 'mysql.update', 'mysql.delete'],
    );
    assert.deepEqual(calls[0], { name: 'mysql.query', args: ['db', { tbl: 'query' }, [1, 'two']], jobName: 'recorder' });
    assert.equal(logs[0], '[{"answered":"mysql.query"},null,null]');
  });

  it('sends each network helper', async () => {
    const { calls } = await withHost(
      [
        'await core.network.request("https://example.com", { method: "PUT" });',
        'await core.network.get("https://example.com/a", { accept: "x" });',
        'await core.network.post("https://example.com/b", "body");',
        'await core.network.getJson("https://example.com/c");',
        'await core.network.postJson("https://example.com/d", { v: 1 });',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(
      calls.map((call) => [call.name, call.args]),
      [
        ['network.request', ['https://example.com', { method: 'PUT' }]],
        ['network.get', ['https://example.com/a', { accept: 'x' }]],
        ['network.post', ['https://example.com/b', 'body']],
        ['network.getJson', ['https://example.com/c']],
        ['network.postJson', ['https://example.com/d', { v: 1 }]],
      ],
    );
  });

  it('passes arguments as JSON: functions and undefined become null, trailing undefined is dropped', async () => {
    const { calls } = await withHost('await core.mysql.query("db", undefined, { f() {}, u: undefined, n: null }, () => 1, undefined, undefined);\nreturn job.OK;');
    assert.deepEqual(calls[0]?.args, ['db', null, { f: null, u: null, n: null }, null]);
  });

  it('answers 801 without calling the host when arguments are not JSON', async () => {
    const { calls, logs } = await withHost('core.log(JSON.stringify(await core.mysql.query("db", 10n)));\nreturn job.OK;');
    assert.equal(calls.length, 0);
    assert.match(logs[0] ?? '', /^\[null,"arguments must be JSON values .*",801\]$/);
  });

  it('wires core.data to the data calls with the source first', async () => {
    const { calls, logs } = await withHost(
      [
        'const store = core.data("people");',
        'const person = { name: "Ada" };',
        'const [id, err] = await store.save(person);',
        'core.log(id, err, person._id);',
        'await store.get("id-1");',
        'await store.get({ name: "Ada" });',
        'await store.delete(person);',
        'await store.delete("id-2");',
        'await store.getPage(2, 10, { name: 1 }, { age: 3 });',
        'return job.OK;',
      ].join('\n'),
    );
    assert.equal(logs[0], 'new-id null new-id');
    assert.deepEqual(
      calls.map((call) => [call.name, call.args]),
      [
        ['data.save', ['people', { name: 'Ada' }]],
        ['data.get', ['people', 'id-1']],
        ['data.get', ['people', { name: 'Ada' }]],
        ['data.delete', ['people', 'new-id']],
        ['data.delete', ['people', 'id-2']],
        ['data.getPage', ['people', 2, 10, { name: 1 }, { age: 3 }]],
      ],
    );
  });

  it('builds an email message with chainable, accumulating fields and sends it', async () => {
    const { calls } = await withHost(
      [
        'const msg = core.email.new()',
        '  .to("a@example.com").to(["b@example.com", "c@example.com"]).cc("d@example.com").bcc(["e@example.com"])',
        '  .from("me@example.com").replyTo("r@example.com").subject("Hi").body("plain").html("<b>hi</b>");',
        'await msg.send();',
        'await core.email.new().to("x@example.com").text("t").send();',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(calls[0], {
      name: 'email.send',
      jobName: 'recorder',
      args: [
        {
          to: ['a@example.com', 'b@example.com', 'c@example.com'],
          cc: ['d@example.com'],
          bcc: ['e@example.com'],
          from: 'me@example.com',
          replyTo: 'r@example.com',
          subject: 'Hi',
          text: 'plain',
          html: '<b>hi</b>',
        },
      ],
    });
    assert.deepEqual(calls[1]?.args, [{ to: ['x@example.com'], cc: [], bcc: [], from: null, replyTo: null, subject: null, text: 't', html: null }]);
  });

  it('passes an operational failure through as the tuple', async () => {
    const code = job('const [r, err, code] = await core.mysql.query("nope", "x");\ncore.log(r, err, code);\nreturn err ? job.EXIT : job.OK;');
    const outcome = await pool.run(request(code, { jobName: 'refuser' }));
    assert.deepEqual([outcome.outcome === 'success' && outcome.result, outcome.logs[0]?.message], ['EXIT', 'null database not allowed 901']);
  });

  it('turns a rejecting host function into [null, message, -1]', async () => {
    const code = job('core.log(JSON.stringify(await core.network.get("https://example.com")));\nreturn job.OK;');
    const outcome = await pool.run(request(code, { jobName: 'thrower' }));
    assert.equal(outcome.logs[0]?.message, '[null,"socket hang up",-1]');
  });

  it('answers "not available" in a pool given no host module', async () => {
    const bare = await SandboxPool.create({ workers: 1 });
    try {
      const outcome = await bare.run(request(job('core.log(JSON.stringify(await core.mysql.query("db", "x")));\nreturn job.OK;')));
      assert.equal(outcome.logs[0]?.message, '[null,"not available",-1]');
    } finally {
      await bare.dispose();
    }
  });

  it('serves many calls from many runs at once', async () => {
    const runs = Array.from({ length: 20 }, (_, i) =>
      pool.run(request(job(`let sum = 0;\nfor (let k = 0; k < 10; k++) sum += (await core.data("s").get(${i}))[0];\nreturn sum === ${i * 10} ? job.OK : job.EXIT;`), { jobName: 'echo' })),
    );
    for (const { startedAt: _, ...outcome } of await Promise.all(runs)) assert.deepEqual(outcome, { outcome: 'success', result: 'OK', logs: [] });
  });
});

describe('core.sleep and core.uuid', () => {
  it('pauses for the given seconds', async () => {
    const started = performance.now();
    const outcome = await pool.run(request(job('await core.sleep(0.15);\nreturn job.OK;')));
    assert.equal(outcome.outcome, 'success');
    assert.ok(performance.now() - started >= 140);
  });

  it('refuses a sleep that is not a number of seconds', async () => {
    const outcome = await pool.run(request(job('await core.sleep("soon");\nreturn job.OK;')));
    assert.equal(outcome.outcome, 'error');
    assert.match(outcome.outcome === 'error' ? outcome.error.message : '', /^TypeError: core\.sleep/);
  });

  it('gives random v4 UUIDs synchronously', async () => {
    const outcome = await pool.run(request(job('core.log(core.uuid());\ncore.log(core.uuid());\nreturn job.OK;')));
    const [a, b] = outcome.logs.map((entry) => entry.message);
    assert.match(a ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
  });
});

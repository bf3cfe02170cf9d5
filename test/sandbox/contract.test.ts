import assert from 'node:assert/strict';
import { LOG_ENTRY_OVERHEAD_BYTES } from '../../sandbox/caps.js';
import { after, before, describe, it } from 'node:test';
import { SandboxPool } from '../../sandbox/pool.js';
import type { RunOutcome } from '../../sandbox/types.js';
import { job, request } from './request.js';

let pool: SandboxPool;
before(async () => {
  pool = await SandboxPool.create({ workers: 1 });
});
after(() => pool.dispose());

const run = (code: string): Promise<RunOutcome> => pool.run(request(code));

function errorOf(outcome: RunOutcome): { message: string; line?: number; column?: number } {
  if (outcome.outcome !== 'error') assert.fail(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

describe('the job contract', () => {
  for (const result of ['OK', 'SLEEP', 'STOP', 'EXIT']) {
    it(`succeeds with ${result} when job.run returns job.${result}`, async () => {
      assert.deepEqual(await run(job(`return job.${result};`)), { outcome: 'success', result, logs: [] });
    });
  }

  it('accepts a synchronous job.run', async () => {
    const outcome = await run('const job = core.job();\njob.run = () => job.STOP;\nreturn job;');
    assert.deepEqual(outcome, { outcome: 'success', result: 'STOP', logs: [] });
  });

  it('runs the script as an async function body: top-level await and return work', async () => {
    const outcome = await run('const n = await Promise.resolve(2);\nconst job = core.job();\njob.run = () => (n === 2 ? job.OK : job.EXIT);\nreturn job;');
    assert.equal(outcome.outcome === 'success' && outcome.result, 'OK');
  });

  it('exposes the constants as the four strings and the facts of the run, read-only', async () => {
    const outcome = await pool.run(
      request(
        [
          'const job = core.job();',
          'job.OK = "changed"; job.name = "changed"; job.lastRunAt = "changed";',
          'core.log(job.OK, job.SLEEP, job.STOP, job.EXIT, job.name, job.trigger, job.lastRunAt);',
          'job.run = () => job.OK;',
          'return job;',
        ].join('\n'),
        { jobName: 'nightly', trigger: 'schedule', lastRunAt: '2024-05-01T10:00:00.000Z' },
      ),
    );
    assert.equal(outcome.outcome, 'success');
    assert.equal(outcome.logs[0]?.message, 'OK SLEEP STOP EXIT nightly schedule 2024-05-01T10:00:00.000Z');
  });

  it('ends with an error that names the value when job.run returns something else', async () => {
    assert.match(errorOf(await run(job('return "ok";'))).message, /job\.run returned "ok"; it must return job\.OK/);
    assert.match(errorOf(await run(job('return 42;'))).message, /job\.run returned 42/);
    assert.match(errorOf(await run(job(''))).message, /job\.run returned undefined/);
  });

  it('ends with an error when the job has no run function', async () => {
    assert.match(errorOf(await run('const job = core.job();\nreturn job;')).message, /job\.run is undefined/);
    assert.match(errorOf(await run('const job = core.job();\njob.run = "OK";\nreturn job;')).message, /job\.run is "OK"/);
  });

  it('ends with an error when the script does not return the job', async () => {
    assert.match(errorOf(await run('const job = core.job();\njob.run = () => job.OK;')).message, /the script returned undefined; it must end with "return job"/);
    assert.match(errorOf(await run('return "OK";')).message, /the script returned "OK"/);
  });

  it('reports a throw with its line and column in the script', async () => {
    const error = errorOf(await run(job('const a = 1;\n  throw new Error("boom");')));
    assert.equal(error.message, 'Error: boom');
    assert.equal(error.line, 4);
    // QuickJS places the column at the call that built the error, within `new Error("boom")`.
    assert.ok(error.column !== undefined && error.column >= 3 && error.column <= 25, `column ${error.column}`);
  });

  it('reports a runtime TypeError in job.run at its position', async () => {
    const error = errorOf(await run('const job = core.job();\njob.run = () => {\n  return null.x;\n};\nreturn job;'));
    assert.equal(error.line, 3);
    assert.match(error.message, /^TypeError: /);
  });

  it('reports a throw of a non-error value', async () => {
    assert.equal(errorOf(await run('throw 5;')).message, 'Uncaught 5');
  });

  it('reports a syntax error at its line in the script', async () => {
    const error = errorOf(await run('const job = core.job();\nconst x = ;\nreturn job;'));
    assert.equal(error.line, 2);
    assert.equal(error.column, 11);
    assert.match(error.message, /^SyntaxError: /);
  });

  it('ends with an error when the job awaits a promise nothing can settle', async () => {
    assert.match(errorOf(await run('await new Promise(() => {});')).message, /awaiting a promise that nothing will settle/);
  });

  it('shows the guest nothing of the host', async () => {
    const outcome = await run(
      'core.log([typeof require, typeof process, typeof setTimeout, typeof fetch, typeof host, typeof std, typeof os, typeof module].join());\nreturn { run: () => "OK" };',
    );
    assert.equal(outcome.logs[0]?.message, 'undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined');
  });
});

describe('the run log', () => {
  it('joins values like console.log, objects as JSON, with levels', async () => {
    const outcome = await run(
      job(
        [
          'core.log("a", 1, { b: [2] }, null, undefined, true);',
          'core.log.warn("careful");',
          'core.log.error(new TypeError("bad"));',
          'console.log("c"); console.info("i"); console.warn("w"); console.error("e");',
          'return job.OK;',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      outcome.logs.map((entry) => [entry.level, entry.message]),
      [
        ['info', 'a 1 {"b":[2]} null undefined true'],
        ['warn', 'careful'],
        ['error', 'TypeError: bad'],
        ['info', 'c'],
        ['info', 'i'],
        ['warn', 'w'],
        ['error', 'e'],
      ],
    );
    for (const entry of outcome.logs) assert.ok(!Number.isNaN(Date.parse(entry.at)));
  });

  it('streams lines to onLog as they are written, before the run ends', async () => {
    const seen: string[] = [];
    let ended = false;
    const outcome = pool.run(request('core.log("first");\nawait core.sleep(0.2);\nreturn { run: () => "OK" };'), {
      onLog: (entry) => seen.push(`${ended}:${entry.message}`),
    });
    void outcome.then(() => {
      ended = true;
    });
    await outcome;
    assert.deepEqual(seen, ['false:first']);
  });

  it('streams a line while the job goes on computing, not only when it waits or ends', async () => {
    let ended = false;
    let seenWhileRunning = false;
    const outcome = pool.run(request('core.log("first");\nconst until = Date.now() + 400;\nwhile (Date.now() < until) {}\nreturn { run: () => "OK" };'), {
      onLog: () => {
        seenWhileRunning = !ended;
      },
    });
    void outcome.then(() => {
      ended = true;
    });
    const settled = await Promise.race([outcome.then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 300, true))]);
    assert.equal(settled, true, 'the run should still be computing');
    assert.equal(seenWhileRunning, true);
    assert.equal((await outcome).outcome, 'success');
  });

  it('keeps the log within its cap and marks the cut once', async () => {
    const streamed: string[] = [];
    const outcome = await pool.run(
      request('for (let i = 0; i < 10000; i++) core.log("line " + i);\nreturn { run: () => "OK" };', { logLimitBytes: 1000 }),
      { onLog: (entry) => streamed.push(entry.message) },
    );
    assert.equal(outcome.outcome, 'success');
    const marker = outcome.logs.at(-1);
    assert.match(marker?.message ?? '', /log cut/);
    assert.equal(outcome.logs.filter((entry) => /log cut/.test(entry.message)).length, 1);
    // Each entry costs its text and a fixed overhead, so empty lines run out too.
    const kept = outcome.logs.slice(0, -1).reduce((sum, entry) => sum + Buffer.byteLength(entry.message) + LOG_ENTRY_OVERHEAD_BYTES, 0);
    assert.ok(kept <= 1000 && kept > 900, `kept ${kept} bytes`);
    assert.deepEqual(streamed, outcome.logs.map((entry) => entry.message));
  });
});

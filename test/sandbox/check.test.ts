import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript } from '../../sandbox/check.js';
import { CheckThread } from '../../sandbox/check-thread.js';
import { until } from './until.js';

describe('checkScript', () => {
  it('accepts the job template, with top-level await and return', async () => {
    const code = 'const job = core.job();\n\njob.run = async function () {\n  return job.OK;\n};\n\nawait core.sleep(0);\nreturn job;';
    assert.deepEqual(await checkScript(code), { ok: true });
  });

  it('does not run the script', async () => {
    assert.deepEqual(await checkScript('while (true) {}'), { ok: true });
  });

  it('reports a syntax error at its line and column in the script', async () => {
    assert.deepEqual(await checkScript('const job = core.job();\nconst x = ;\nreturn job;'), {
      ok: false,
      error: { message: "SyntaxError: unexpected token in expression: ';'", line: 2, column: 11 },
    });
  });

  it('reports an error on the first line at line 1', async () => {
    const result = await checkScript('let x = ;');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.line, 1);
  });

  it('places an unclosed brace within the script, not on a wrapper line', async () => {
    const result = await checkScript('const job = core.job();\njob.run = function () {\n  return job.OK;\nreturn job;');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.line, 4);
  });

  it('accepts a script that ends in a line comment', async () => {
    assert.deepEqual(await checkScript('return { run: () => "OK" }; // done'), { ok: true });
  });
});

describe('the checker thread', () => {
  it('ends after it has been idle, and the next check starts another', async () => {
    const checker = new CheckThread(300);
    try {
      assert.equal(checker.running, false);
      assert.deepEqual(await checker.check('return 1;'), { ok: true });
      assert.equal(checker.running, true);
      // A check within the idle time keeps the same thread going.
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.deepEqual(await checker.check('return 2;'), { ok: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(checker.running, true, 'the second check restarted the idle time');
      await until(() => !checker.running, 5000);
      const again = await checker.check('let x = ;');
      assert.equal(again.ok, false);
      assert.equal(checker.running, true);
    } finally {
      await checker.dispose();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SandboxPool } from '../../sandbox/pool.js';
import type { RunOutcome } from '../../sandbox/types.js';
import { job, request } from './request.js';

let pool: SandboxPool;
before(async () => {
  pool = await SandboxPool.create({ workers: 1 });
});
after(() => pool.dispose());

async function logsOf(body: string): Promise<string[]> {
  const outcome = await pool.run(request(job(body)));
  assert.equal(outcome.outcome, 'success', JSON.stringify(outcome));
  return outcome.logs.map((entry) => entry.message);
}

function errorOf(outcome: RunOutcome): { message: string; line?: number } {
  if (outcome.outcome !== 'error') assert.fail(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

describe('the core and console objects, whose helpers are compiled on first use', () => {
  it('have the same members, frozen', async () => {
    const logs = await logsOf(
      [
        'core.log(Object.keys(core).sort().join(), Object.isFrozen(core));',
        'core.log(Object.keys(console).sort().join(), Object.isFrozen(console));',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(logs, ['data,email,job,log,mysql,network,secret,sleep,uuid true', 'debug,error,info,log,warn true']);
  });

  it('hand out one object per helper for the whole run', async () => {
    const logs = await logsOf(
      [
        'const same = [core.mysql === core.mysql, core.network === core.network, core.email === core.email,',
        '  core.data === core.data, core.log === core.log, core.sleep === core.sleep,',
        '  console.log === core.log, console.info === core.log, console.warn === core.log.warn, console.error === core.log.error];',
        'core.log(same.join());',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(logs, [Array(10).fill('true').join()]);
  });

  it('keep working when the script hooks Object.prototype before first use', async () => {
    const logs = await logsOf(
      [
        'const seen = [];',
        'for (const name of ["log", "mysql", "time", "show", "call"]) {',
        '  Object.defineProperty(Object.prototype, name, { set(value) { seen.push(name); }, configurable: true });',
        '}',
        'core.log("still here", job.minute() >= 0, typeof core.mysql.query);',
        'core.log(seen.length);',
        'return job.OK;',
      ].join('\n'),
    );
    assert.deepEqual(logs, ['still here true function', '0']);
  });

  it('report a misused helper at the line of the script that misused it', async () => {
    const error = errorOf(await pool.run(request(job('const a = 1;\ncore.sleep(-1);\nreturn job.OK;'))));
    assert.match(error.message, /^TypeError: core\.sleep\(seconds\) needs a number of seconds >= 0, got -1/);
    assert.equal(error.line, 4);
  });

  it('give each run its own helpers, untouched by what an earlier run did to its own', async () => {
    const first = await logsOf('core.mysql.extra = 1;\ncore.log(core.mysql.extra === undefined);\nreturn job.OK;');
    const second = await logsOf('core.log(core.mysql.extra === undefined, Object.isFrozen(core.mysql));\nreturn job.OK;');
    assert.deepEqual(first, ['true']);
    assert.deepEqual(second, ['true true']);
  });
});

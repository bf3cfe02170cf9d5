import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerHostCall, notAvailable } from '../../sandbox/host-bridge.js';
import type { HostCall } from '../../sandbox/types.js';

const context = { jobName: 'j', signal: new AbortController().signal };
const answer = async (host: HostCall, name: string, argsJson: string) => JSON.parse(await answerHostCall(host, name, argsJson, context)) as unknown;

describe('answerHostCall', () => {
  it('passes the parsed arguments and the job to the host and returns its tuple', async () => {
    const host: HostCall = async (name, args, ctx) => [{ name, args, job: ctx.jobName }, null, null];
    assert.deepEqual(await answer(host, 'data.get', '["s", 1]'), [{ name: 'data.get', args: ['s', 1], job: 'j' }, null, null]);
  });

  it('refuses a name that is not a host call, without asking the host', async () => {
    let asked = false;
    const host: HostCall = async () => {
      asked = true;
      return [1, null, null];
    };
    assert.deepEqual(await answer(host, 'fs.read', '[]'), [null, 'unknown host call fs.read', -1]);
    assert.equal(asked, false);
  });

  it('turns a throwing or rejecting host into [null, message, -1]', async () => {
    const throwing: HostCall = () => {
      throw new Error('sync boom');
    };
    assert.deepEqual(await answer(throwing, 'mysql.query', '[]'), [null, 'sync boom', -1]);
    assert.deepEqual(await answer(async () => Promise.reject(new Error('later')), 'mysql.query', '[]'), [null, 'later', -1]);
  });

  it('guards against a malformed tuple and a result that is not JSON', async () => {
    assert.deepEqual(await answer((async () => 'rows') as unknown as HostCall, 'mysql.query', '[]'), [null, 'the host answered with a malformed tuple', -1]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const [result, err, code] = (await answer(async () => [circular, null, null], 'mysql.query', '[]')) as unknown[];
    assert.equal(result, null);
    assert.match(String(err), /could not be passed to the job/);
    assert.equal(code, -1);
  });

  it('answers 801 for arguments it cannot read', async () => {
    assert.deepEqual(await answer(notAvailable, 'mysql.query', '{'), [null, 'the arguments could not be read', 801]);
  });
});

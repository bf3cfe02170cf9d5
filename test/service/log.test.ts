import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { ConfigError } from '../../service/config-error.js';
import { createLogger } from '../../service/log.js';

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line with a level name, an ISO time and the fields given', () => {
    const out = collect();
    const log = createLogger({ destination: out.stream });
    log.info({ job: 'backup' }, 'run finished');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'run finished');
    assert.equal(line.job, 'backup');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('drops lines below the level', () => {
    const out = collect();
    const log = createLogger({ level: 'warn', destination: out.stream });
    log.info('quiet');
    log.warn('loud');
    assert.equal(out.text().trim().split('\n').length, 1);
  });

  it('never writes a password, token or secret', () => {
    const out = collect();
    const log = createLogger({ destination: out.stream });
    log.info({ password: 'p4ss', config: { token: 't0k', secret: 's3c' }, headers: { authorization: 'Bearer x' } }, 'x');
    for (const secret of ['p4ss', 't0k', 's3c', 'Bearer x']) assert.ok(!out.text().includes(secret), secret);
  });

  it('writes readable single lines when pretty', () => {
    const out = collect();
    const log = createLogger({ pretty: true, destination: out.stream });
    log.info({ job: 'backup' }, 'run finished');
    assert.match(out.text(), /INFO.*run finished/);
    assert.throws(() => JSON.parse(out.text()));
  });

  it('refuses an unknown level, naming the setting', () => {
    assert.throws(
      () => createLogger({ level: 'loud' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'QUICKJOBS_LOG_LEVEL',
    );
  });
});

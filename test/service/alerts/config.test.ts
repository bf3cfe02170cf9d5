import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_RETRY_DELAYS_MS } from '../../../service/alerts/backoff.js';
import { readAlertConfig } from '../../../service/alerts/config.js';
import { ConfigError } from '../../../service/config-error.js';

const SECRET = 'a-long-enough-secret';

function refuses(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => readAlertConfig(env),
    (error: unknown) => error instanceof ConfigError && error.variable === variable,
    `${JSON.stringify(env)} is refused naming ${variable}`,
  );
}

describe('readAlertConfig', () => {
  it('has no targets and no secret by default, and retries about 5 s apart, doubling', () => {
    assert.deepEqual(readAlertConfig({}), { email: [], webhook: null, webhookSecret: null, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS });
  });

  it('reads a comma list of addresses, a webhook and its secret', () => {
    const config = readAlertConfig({
      QUICKJOBS_NOTIFY_EMAIL: ' ops@example.com, dev@example.org ,',
      QUICKJOBS_NOTIFY_WEBHOOK: 'https://hooks.example.com/quickjobs',
      QUICKJOBS_WEBHOOK_SECRET: SECRET,
    });
    assert.deepEqual(config, {
      email: ['ops@example.com', 'dev@example.org'],
      webhook: 'https://hooks.example.com/quickjobs',
      webhookSecret: SECRET,
      retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    });
  });

  it('refuses bad values, naming the variable', () => {
    refuses({ QUICKJOBS_NOTIFY_EMAIL: 'ops@example.com, not-an-address' }, 'QUICKJOBS_NOTIFY_EMAIL');
    refuses({ QUICKJOBS_NOTIFY_WEBHOOK: 'ftp://example.com', QUICKJOBS_WEBHOOK_SECRET: SECRET }, 'QUICKJOBS_NOTIFY_WEBHOOK');
    refuses({ QUICKJOBS_NOTIFY_WEBHOOK: 'hooks.example.com', QUICKJOBS_WEBHOOK_SECRET: SECRET }, 'QUICKJOBS_NOTIFY_WEBHOOK');
    refuses({ QUICKJOBS_WEBHOOK_SECRET: 'short' }, 'QUICKJOBS_WEBHOOK_SECRET');
  });

  it('requires a secret for the default webhook, so receivers can verify it', () => {
    refuses({ QUICKJOBS_NOTIFY_WEBHOOK: 'https://hooks.example.com/q' }, 'QUICKJOBS_WEBHOOK_SECRET');
  });
});

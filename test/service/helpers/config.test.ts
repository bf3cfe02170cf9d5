import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError } from '../../../service/config-error.js';
import { readHelperConfig } from '../../../service/helpers/config.js';

function rejects(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => readHelperConfig(env),
    (error: unknown) => error instanceof ConfigError && error.variable === variable,
  );
}

describe('readHelperConfig', () => {
  it('defaults everything when nothing is set', () => {
    assert.deepEqual(readHelperConfig({}), {
      mysql: { server: null, databases: null, timeoutMs: 10_000, connectionLimit: 4, grants: 'enforce' },
      email: { url: null, from: null, timeoutMs: 10_000 },
      network: { allow: { hosts: [], cidrs: [] }, timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 },
      data: { quotaBytes: 64 * 1024 * 1024 },
    });
  });

  it('reads the core.data quota in MiB and refuses a bad one naming it', () => {
    assert.equal(readHelperConfig({ QUICKJOBS_DATA_QUOTA_MB: '2' }).data.quotaBytes, 2 * 1024 * 1024);
    assert.throws(() => readHelperConfig({ QUICKJOBS_DATA_QUOTA_MB: '0' }), /QUICKJOBS_DATA_QUOTA_MB/);
  });

  it('reads every setting', () => {
    const config = readHelperConfig({
      QUICKJOBS_MYSQL_URL: 'mysql://app:p%40ss@db.internal:3307/ignored',
      QUICKJOBS_MYSQL_DATABASES: 'shop, products',
      QUICKJOBS_MYSQL_TIMEOUT: '2.5',
      QUICKJOBS_MYSQL_CONNECTIONS: '8',
      QUICKJOBS_MYSQL_GRANTS: 'warn',
      QUICKJOBS_SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      QUICKJOBS_MAIL_FROM: 'Jobs <jobs@example.com>',
      QUICKJOBS_SMTP_TIMEOUT: '5',
      QUICKJOBS_NETWORK_ALLOW: 'API.internal, 10.1.0.0/16, 127.0.0.1, ::1, [fd00::]/8',
      QUICKJOBS_NETWORK_TIMEOUT: '0.5',
      QUICKJOBS_NETWORK_MAX_BYTES: '1024',
    });
    assert.deepEqual(config.mysql, {
      server: { host: 'db.internal', port: 3307, user: 'app', password: 'p@ss' },
      databases: ['shop', 'products'],
      timeoutMs: 2500,
      connectionLimit: 8,
      grants: 'warn',
    });
    assert.deepEqual(config.email, { url: 'smtps://user:pw@mail.example.com:465', from: 'Jobs <jobs@example.com>', timeoutMs: 5000 });
    assert.deepEqual(config.network.allow, {
      hosts: ['api.internal'],
      cidrs: [
        { network: '10.1.0.0', prefix: 16, family: 'ipv4' },
        { network: '127.0.0.1', prefix: 32, family: 'ipv4' },
        { network: '::1', prefix: 128, family: 'ipv6' },
        { network: 'fd00::', prefix: 8, family: 'ipv6' },
      ],
    });
    assert.equal(config.network.timeoutMs, 500);
    assert.equal(config.network.maxBytes, 1024);
  });

  it('names the variable of a bad value', () => {
    rejects({ QUICKJOBS_MYSQL_URL: 'postgres://x@h' }, 'QUICKJOBS_MYSQL_URL');
    rejects({ QUICKJOBS_MYSQL_URL: 'not a url' }, 'QUICKJOBS_MYSQL_URL');
    rejects({ QUICKJOBS_MYSQL_URL: 'mysql://h:3306' }, 'QUICKJOBS_MYSQL_URL');
    rejects({ QUICKJOBS_MYSQL_DATABASES: 'shop, bad name' }, 'QUICKJOBS_MYSQL_DATABASES');
    rejects({ QUICKJOBS_MYSQL_GRANTS: 'ignore' }, 'QUICKJOBS_MYSQL_GRANTS');
    rejects({ QUICKJOBS_MYSQL_TIMEOUT: '0' }, 'QUICKJOBS_MYSQL_TIMEOUT');
    rejects({ QUICKJOBS_MYSQL_CONNECTIONS: 'many' }, 'QUICKJOBS_MYSQL_CONNECTIONS');
    rejects({ QUICKJOBS_SMTP_URL: 'http://mail' }, 'QUICKJOBS_SMTP_URL');
    rejects({ QUICKJOBS_MAIL_FROM: 'not an address' }, 'QUICKJOBS_MAIL_FROM');
    rejects({ QUICKJOBS_NETWORK_ALLOW: '10.0.0.0/33' }, 'QUICKJOBS_NETWORK_ALLOW');
    rejects({ QUICKJOBS_NETWORK_ALLOW: 'http://example.com' }, 'QUICKJOBS_NETWORK_ALLOW');
    rejects({ QUICKJOBS_NETWORK_ALLOW: '300.1.1.1' }, 'QUICKJOBS_NETWORK_ALLOW');
    rejects({ QUICKJOBS_NETWORK_TIMEOUT: '-1' }, 'QUICKJOBS_NETWORK_TIMEOUT');
    rejects({ QUICKJOBS_NETWORK_MAX_BYTES: '5MB' }, 'QUICKJOBS_NETWORK_MAX_BYTES');
  });
});

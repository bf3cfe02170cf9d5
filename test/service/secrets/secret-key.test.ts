/**
 * The secrets' key: a wrong or missing key stops the start with one clear line and changes
 * nothing; `quickjobs secrets rotate` re-encrypts every secret under a new key and keeps each
 * value, on the SQLite and the MySQL store.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { main as cli } from '../../../service/cli.js';
import { SecretKeyError } from '../../../service/secrets/errors.js';
import { MysqlStore } from '../../../service/store/mysql-store.js';
import { createTestService, type TestService } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';

const job = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;

/** `quickjobs secrets rotate` with `env`, its output kept off the test's. */
async function rotate(env: Record<string, string>): Promise<number> {
  const original = console.log;
  console.log = () => {};
  try {
    return await cli(['secrets', 'rotate'], env);
  } finally {
    console.log = original;
  }
}

/** Whether a service started with `env` gives jobs each of `values` through core.secret. */
async function readsBack(env: Record<string, string>, values: Record<string, string>): Promise<void> {
  const service = await createTestService(env);
  try {
    await service.api('/jobs', { method: 'POST', body: { name: 'reads', interval: 3600 } });
    const checks = Object.entries(values).map(([name, value]) => `{ const [v, err] = await core.secret('${name}'); core.log(err ?? (v === ${JSON.stringify(value)} ? 'same' : 'different')); }`);
    const answer = await service.api('/jobs/reads/run', { method: 'POST', body: { code: job(checks.join('\n') + '\nreturn job.OK;') } });
    assert.deepEqual(answer.body.logs.map((l: { message: string }) => l.message), Object.keys(values).map(() => 'same'));
  } finally {
    await service.service.dispose();
  }
}

describe('the secret key', () => {
  let dataDir: string;
  let first: TestService;

  before(async () => {
    first = await createTestService();
    dataDir = first.dataDir;
    await first.api('/secrets/DB_PASSWORD', { method: 'PUT', body: { value: 'correct horse battery' } });
    await first.service.dispose();
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ QUICKJOBS_DATA_DIR: dataDir, QUICKJOBS_JOBS_DIR: join(dataDir, 'jobs') });

  it('fails the start clearly with a wrong key, and changes nothing', async () => {
    await assert.rejects(
      createTestService({ ...env(), QUICKJOBS_SECRET_KEY: 'ab'.repeat(32) }),
      (error: unknown) => error instanceof SecretKeyError && /does not open the stored secrets/.test(error.message) && !error.message.includes('\n'),
    );
  });

  it('fails the start clearly when the key file is gone but secrets are stored', async () => {
    const file = join(dataDir, 'secret.key');
    const key = readFileSync(file, 'utf8');
    await rm(file);
    try {
      await assert.rejects(createTestService(env()), /the store holds secrets but there is no key/);
    } finally {
      writeFileSync(file, key, { mode: 0o600 });
    }
  });

  it('says so on the command line in one line, with exit code 1', async () => {
    const lines: string[] = [];
    const original = console.error;
    console.error = (line: string) => lines.push(line);
    try {
      const code = await cli(['run', 'nothing'], { ...env(), QUICKJOBS_SECRET_KEY: 'not a key' });
      assert.equal(code, 1);
    } finally {
      console.error = original;
    }
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /QUICKJOBS_SECRET_KEY is not a secret key/);
  });

  it('keeps every secret through a rotation to a new key', async () => {
    const before = readFileSync(join(dataDir, 'secret.key'), 'utf8');
    assert.equal(await rotate(env()), 0);
    const afterKey = readFileSync(join(dataDir, 'secret.key'), 'utf8');
    assert.notEqual(afterKey, before);
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    await assert.rejects(createTestService({ ...env(), QUICKJOBS_SECRET_KEY: before.trim() }), SecretKeyError);
    await readsBack(env(), { DB_PASSWORD: 'correct horse battery' });
  });
});

describe('the secret key on the MySQL store', { skip: await gate('mysql', probeMysql) }, () => {
  let database: TestDatabase;
  let first: TestService;
  let env: Record<string, string>;
  const VALUES = { SMTP_PASSWORD: 'tr0ub4dor&3', PARTNER_TOKEN: 'pt_51Hx9QeLm2' };

  before(async () => {
    database = await createTestDatabase();
    first = await createTestService({ QUICKJOBS_STORE: database.url() });
    env = { QUICKJOBS_STORE: database.url(), QUICKJOBS_DATA_DIR: first.dataDir, QUICKJOBS_JOBS_DIR: join(first.dataDir, 'jobs') };
    for (const [name, value] of Object.entries(VALUES)) await first.api(`/secrets/${name}`, { method: 'PUT', body: { value } });
    await first.service.dispose();
  });
  after(async () => {
    await rm(first.dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('keeps every secret through a rotation, rewriting every row, and refuses the old key after', async () => {
    const before = readFileSync(join(first.dataDir, 'secret.key'), 'utf8').trim();
    const store = await MysqlStore.open({ url: database.url(), runHistory: 100 });
    const rowsBefore = await store.listSecrets();
    assert.equal(await rotate(env), 0);
    const rowsAfter = await store.listSecrets();
    await store.close();
    assert.deepEqual(rowsAfter.map((r) => r.name).sort(), Object.keys(VALUES).sort());
    for (const row of rowsAfter) assert.notEqual(row.value, rowsBefore.find((r) => r.name === row.name)?.value, `${row.name} was re-encrypted`);
    await assert.rejects(createTestService({ ...env, QUICKJOBS_SECRET_KEY: before }), SecretKeyError);
    await readsBack(env, VALUES);
  });
});

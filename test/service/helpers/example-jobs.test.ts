/**
 * Runs the example jobs shipped in jobs/ through the sandbox against real servers. Each example
 * names its database, table, URL or month in a constant at the top; the test points those at its
 * own table, loopback server or the current month, and leaves the rest of the file as shipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import type { SandboxPool } from '../../../sandbox/pool.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { TEST_DATABASE, uniqueName } from './fixtures.js';
import type { HttpFixture } from './http-fixture.js';
import { logText, resultOf, runJob, startJobWorld, type JobWorld } from './sandbox-fixture.js';
import type { SmtpFixture } from './smtp-fixture.js';

const skip = await gate('mysql', probeMysql);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The shipped file with its `const NAME = '…';` settings replaced. */
function example(file: string, settings: Record<string, string>): string {
  let code = readFileSync(new URL(`../../../jobs/${file}`, import.meta.url), 'utf8');
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^const ${name} = '[^']*';$`, 'm');
    assert.match(code, line, `${file} declares ${name}`);
    code = code.replace(line, `const ${name} = ${JSON.stringify(value)};`);
  }
  return code;
}

describe('the example jobs in jobs/', { skip }, () => {
  const toys = uniqueName('qj_toys');
  const status = uniqueName('qj_status');
  let admin: mysql.Connection;
  let pool: SandboxPool;
  let http: HttpFixture;
  let smtp: SmtpFixture;
  let world: JobWorld;

  before(async () => {
    admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(
      `CREATE TABLE \`${toys}\` (id INT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(64), stock INT, out_of_stock BOOLEAN NOT NULL DEFAULT FALSE)`,
    );
    await admin.query(
      `CREATE TABLE \`${status}\` (id INT AUTO_INCREMENT PRIMARY KEY, month CHAR(3), sales_total DECIMAL(12,2), no_specials BOOLEAN NOT NULL DEFAULT FALSE)`,
    );
    world = await startJobWorld({ QUICKJOBS_MYSQL_DATABASES: TEST_DATABASE });
    ({ pool, http, smtp } = world);
  });

  after(async () => {
    await world?.close();
    await admin?.query(`DROP TABLE IF EXISTS \`${toys}\`, \`${status}\``);
    await admin?.end();
  });

  it('ships each example inactive, with its settings on the first line', () => {
    for (const file of ['stock-check.js', 'sunday-sleep.js', 'january-report.js', 'exit-on-query-error.js', 'fetch-config-once.js']) {
      const first = readFileSync(new URL(`../../../jobs/${file}`, import.meta.url), 'utf8').split('\n')[0]!;
      const settings = JSON.parse(first.replace(/^\/\/ quickjobs: /, '')) as { interval: number; active: boolean };
      assert.equal(settings.active, false, file);
      assert.ok(Number.isInteger(settings.interval), file);
    }
  });

  it('stock-check marks red bikes out of stock and returns job.OK', async () => {
    await admin.query(`INSERT INTO \`${toys}\` (type, stock) VALUES ('Red Bikes', 0), ('blender', 3)`);
    const outcome = await runJob(pool, example('stock-check.js', { DB: TEST_DATABASE, TABLE: toys }));
    assert.equal(resultOf(outcome), 'OK');
    const [rows] = await admin.query(`SELECT type, out_of_stock FROM \`${toys}\` ORDER BY id`);
    assert.deepEqual(rows, [
      { type: 'Red Bikes', out_of_stock: 1 },
      { type: 'blender', out_of_stock: 0 },
    ]);
  });

  it('stock-check keeps running (job.OK) when its database is not allowed', async () => {
    const outcome = await runJob(pool, example('stock-check.js', { DB: 'products', TABLE: toys }));
    assert.equal(resultOf(outcome), 'OK');
    assert.match(logText(outcome), /warn: stock check failed: database "products" is not allowed/);
  });

  it('sunday-sleep returns job.SLEEP and stops the specials only on a Sunday', async () => {
    await admin.query(`INSERT INTO \`${status}\` (month, sales_total, no_specials) VALUES ('Jan', 1234.50, FALSE)`);
    const outcome = await runJob(pool, example('sunday-sleep.js', { DB: TEST_DATABASE, TABLE: status }));
    assert.equal(resultOf(outcome), 'SLEEP');
    const [[row]] = (await admin.query(`SELECT no_specials FROM \`${status}\``)) as unknown as [[{ no_specials: number }]];
    assert.equal(row.no_specials, DAYS[new Date().getUTCDay()] === 'Sun' ? 1 : 0);
  });

  it('january-report emails the sales total in its month and returns job.SLEEP', async () => {
    const month = MONTHS[new Date().getUTCMonth()]!;
    await admin.query(`UPDATE \`${status}\` SET month = ?`, [month]);
    const outcome = await runJob(pool, example('january-report.js', { DB: TEST_DATABASE, TABLE: status, REPORT_MONTH: month }));
    assert.equal(resultOf(outcome), 'SLEEP', logText(outcome));
    const mail = smtp.received.at(-1)!;
    assert.deepEqual(mail.to, ['boss@example.com']);
    assert.match(mail.raw, /Subject: January Daily/);
    assert.match(mail.raw, /Sales today were: \$1234\.50/);
  });

  it('january-report returns job.STOP in any other month', async () => {
    const other = MONTHS[(new Date().getUTCMonth() + 6) % 12]!;
    const sent = smtp.received.length;
    const outcome = await runJob(pool, example('january-report.js', { DB: TEST_DATABASE, TABLE: status, REPORT_MONTH: other }));
    assert.equal(resultOf(outcome), 'STOP');
    assert.equal(smtp.received.length, sent);
  });

  it('exit-on-query-error returns job.OK while the query works', async () => {
    const outcome = await runJob(pool, example('exit-on-query-error.js', { DB: TEST_DATABASE, TABLE: toys }));
    assert.equal(resultOf(outcome), 'OK');
    assert.match(logText(outcome), /blender stock: 3/);
  });

  it('exit-on-query-error returns job.EXIT and logs the error when the query fails', async () => {
    const outcome = await runJob(pool, example('exit-on-query-error.js', { DB: TEST_DATABASE, TABLE: 'qj_no_such_table' }));
    assert.equal(resultOf(outcome), 'EXIT');
    assert.match(logText(outcome), /error: query failed \(902\): .*doesn't exist/);
  });

  it('fetch-config-once saves the fetched config in core.data, once, and returns job.OK', async () => {
    const code = example('fetch-config-once.js', { CONFIG_URL: `${http.origin}/json` });
    assert.equal(resultOf(await runJob(pool, code)), 'OK');
    assert.equal(resultOf(await runJob(pool, code)), 'OK');
    const saved = await world.store.dataPage('config', { page: 1, perPage: 10 });
    assert.equal(saved.length, 1);
    assert.deepEqual({ ...saved[0], _id: undefined }, { ok: true, items: [1, 2, 3], name: 'app', _id: undefined });
  });

  it('fetch-config-once returns job.EXIT when the config cannot be fetched', async () => {
    const outcome = await runJob(pool, example('fetch-config-once.js', { CONFIG_URL: `${http.origin}/text` }));
    assert.equal(resultOf(outcome), 'EXIT');
    assert.match(logText(outcome), /could not fetch the config \(830\)/);
  });
});

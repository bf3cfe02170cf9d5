import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import type { SandboxPool } from '../../../sandbox/pool.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { TEST_DATABASE, uniqueName } from './fixtures.js';
import type { HttpFixture } from './http-fixture.js';
import { logText, resultOf, runJob, startJobWorld, type JobWorld } from './sandbox-fixture.js';
import type { SmtpFixture } from './smtp-fixture.js';

const skip = await gate('mysql', probeMysql);

describe('job scripts calling core.* through the sandbox', { skip }, () => {
  const table = uniqueName('qj_e2e');
  let admin: mysql.Connection;
  let pool: SandboxPool;
  let http: HttpFixture;
  let smtp: SmtpFixture;
  let world: JobWorld;

  before(async () => {
    admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE TABLE \`${table}\` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64))`);
    world = await startJobWorld();
    ({ pool, http, smtp } = world);
  });

  after(async () => {
    await world?.close();
    await admin?.query(`DROP TABLE IF EXISTS \`${table}\``);
    await admin?.end();
  });

  it('inserts, selects and returns job.OK', async () => {
    const outcome = await runJob(
      pool,
      `
      const job = core.job();
      job.run = async function () {
        const [id, err] = await core.mysql.insert('${TEST_DATABASE}', { tbl: '${table}', values: { name: 'widget' } });
        if (err) throw new Error(err);
        const [row] = await core.mysql.selectOne('${TEST_DATABASE}', { tbl: '${table}', where: { id } });
        const [count] = await core.mysql.selectCount('${TEST_DATABASE}', { tbl: '${table}' });
        core.log(row.name, count);
        return row.name === 'widget' ? job.OK : job.EXIT;
      };
      return job;`,
    );
    assert.equal(resultOf(outcome), 'OK');
    assert.match(logText(outcome), /info: widget 1/);
  });

  it('hands wrong argument types back as 801 in the tuple', async () => {
    const outcome = await runJob(
      pool,
      `
      const job = core.job();
      job.run = async () => {
        const [rows, err, code] = await core.mysql.select('${TEST_DATABASE}', 'not options');
        const [, , missing] = await core.mysql.select();
        const [, , netCode] = await core.network.get(42);
        core.log(rows, code, missing, netCode, err);
        return code === 801 && missing === 804 && netCode === 801 ? job.OK : job.EXIT;
      };
      return job;`,
    );
    assert.equal(resultOf(outcome), 'OK', logText(outcome));
    assert.match(logText(outcome), /null 801 804 801 options must be an object/);
  });

  it('reaches loopback HTTP, email and core.data from one job', async () => {
    const outcome = await runJob(
      pool,
      `
      const job = core.job();
      job.run = async () => {
        const [json, err] = await core.network.getJson('${http.origin}/json');
        if (err) throw new Error(err);
        const [id] = await core.data('e2e').save({ items: json.items });
        const [back] = await core.data('e2e').get(id);
        const [info, mailErr] = await core.email.new().to('ops@example.com').subject('e2e').body('items: ' + back.items.join(',')).send();
        if (mailErr) throw new Error(mailErr);
        core.log(info.accepted.join(','));
        return job.OK;
      };
      return job;`,
    );
    assert.equal(resultOf(outcome), 'OK', logText(outcome));
    assert.match(logText(outcome), /ops@example\.com/);
    assert.match(smtp.received.at(-1)!.raw, /items: 1,2,3/);
  });

  it('refuses a loopback address the allow-list does not name, as a tuple', async () => {
    // 127.0.0.1 is allowed here; 127.0.0.2 is loopback too, but not on the list.
    const blocked = await runJob(
      pool,
      `
      const job = core.job();
      job.run = async () => {
        const [, err, code] = await core.network.get('http://127.0.0.2:${http.port}/text');
        core.log(code, err);
        return code === 815 ? job.OK : job.EXIT;
      };
      return job;`,
    );
    assert.equal(resultOf(blocked), 'OK');
    assert.match(logText(blocked), /815 blocked address 127\.0\.0\.2/);
  });
});

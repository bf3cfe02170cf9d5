/**
 * A draft run from the editor is safe unless asked to run live: against the real MariaDB, an
 * in-process SMTP server and a loopback HTTP server, everything a safe draft does is undone or
 * held and reported, statements a transaction cannot take back are refused, and a live run acts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { createTestService, type TestService } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { startSmtp, type SmtpFixture } from '../helpers/smtp-fixture.js';
import { startRecordingServer, type RecordingServer } from './loopback-http.js';

const skip = await gate('mysql', probeMysql);

const job = (body: string) => `const job = core.job();\njob.run = async function () {\n${body}\n};\nreturn job;`;

/** A draft that writes a row and reads it back, mails, posts, gets, and saves and reads data. */
const SIDE_EFFECTS = (db: string, origin: string) =>
  job(`
  const [id, e1, c1] = await core.mysql.insert('${db}', { tbl: 'orders', values: { item: 'book' } });
  if (e1) throw new Error('insert: ' + e1 + ' ' + c1);
  const [count] = await core.mysql.selectCount('${db}', { tbl: 'orders' });
  core.log('count inside', count);
  const [upd] = await core.mysql.query('${db}', 'UPDATE orders SET item = ? WHERE id = ?', ['pen', id]);
  core.log('updated', upd);
  const [info, e2] = await core.email.new().to('ops@example.com').subject('order').text('an order').send();
  if (e2) throw new Error('email: ' + e2);
  const [posted, e3] = await core.network.postJson('${origin}/hook', { order: id });
  if (e3) throw new Error('post: ' + e3);
  core.log('post status', posted.status);
  const [got, e4] = await core.network.getJson('${origin}/read');
  if (e4) throw new Error('get: ' + e4);
  core.log('get ok', got.ok);
  const [dataId, e5] = await core.data('orders').save({ item: 'book', n: 1 });
  if (e5) throw new Error('data: ' + e5);
  const [again] = await core.data('orders').get(dataId);
  core.log('data inside', again ? again.item : 'none');
  const [page] = await core.data('orders').getPage(1, 10, undefined, { item: 'book' });
  core.log('page inside', page.length);
  return job.OK;`);

describe('a draft run', { skip }, () => {
  let database: TestDatabase;
  let smtp: SmtpFixture;
  let http: RecordingServer;
  let t: TestService;
  let admin: mysql.Connection;

  before(async () => {
    database = await createTestDatabase();
    smtp = await startSmtp();
    http = await startRecordingServer();
    admin = await mysql.createConnection(database.url());
    await admin.query('CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(32)) ENGINE=InnoDB');
    const server = new URL(database.url());
    server.pathname = '/';
    t = await createTestService({
      QUICKJOBS_MYSQL_URL: server.toString(),
      QUICKJOBS_MYSQL_DATABASES: database.name,
      // The test server's root reaches every database; the limit still holds for core.mysql.
      QUICKJOBS_MYSQL_GRANTS: 'warn',
      QUICKJOBS_SMTP_URL: smtp.url,
      QUICKJOBS_MAIL_FROM: 'jobs@example.com',
      QUICKJOBS_NETWORK_ALLOW: '127.0.0.1',
    });
    const created = await t.api('/jobs', { method: 'POST', body: { name: 'orders', interval: 3600 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  after(async () => {
    await t?.close();
    await admin?.end();
    await http?.close();
    await smtp?.close();
    await database?.drop();
  });

  const rows = async () => ((await admin.query('SELECT item FROM orders'))[0] as Array<{ item: string }>).map((r) => r.item);

  describe('in safe mode, the default', () => {
    let run: any;
    before(async () => {
      http.seen.length = 0;
      const answer = await t.api('/jobs/orders/run', { method: 'POST', body: { code: SIDE_EFFECTS(database.name, http.origin) } });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      run = answer.body;
      assert.equal(run.outcome, 'success', JSON.stringify(run));
    });

    it('reads its own writes while it runs', () => {
      const log = run.logs.map((l: { message: string }) => l.message);
      assert.ok(log.includes('count inside 1'), log.join('\n'));
      assert.ok(log.includes('updated 1'), log.join('\n'));
      assert.ok(log.includes('data inside book'), log.join('\n'));
      assert.ok(log.includes('page inside 1'), log.join('\n'));
    });

    it('leaves the database as it was', async () => {
      assert.deepEqual(await rows(), []);
    });

    it('sends no email, and no request but the GET', () => {
      assert.equal(smtp.received.length, 0);
      assert.deepEqual(
        http.seen.map((r) => `${r.method} ${r.url}`),
        ['GET /read'],
      );
    });

    it('keeps nothing it saved with core.data', async () => {
      assert.deepEqual(await t.service.store.dataPage('orders', { page: 1, perPage: 10 }), []);
    });

    it('answers with everything it held', () => {
      assert.deepEqual(
        run.held.sql.map((s: { sql: string; affectedRows: number }) => [s.sql.split(' ')[0], s.affectedRows]),
        [
          ['INSERT', 1],
          ['UPDATE', 1],
        ],
      );
      assert.equal(run.held.emails.length, 1);
      assert.deepEqual(run.held.emails[0].to, ['ops@example.com']);
      assert.equal(run.held.emails[0].subject, 'order');
      assert.equal(run.held.requests.length, 1);
      assert.equal(run.held.requests[0].method, 'POST');
      assert.equal(run.held.requests[0].url, `${http.origin}/hook`);
      assert.match(run.held.requests[0].body, /"order":\d+/);
      assert.deepEqual(
        run.held.data.map((d: { source: string; op: string; object: { item: string } }) => [d.source, d.op, d.object.item]),
        [['orders', 'save', 'book']],
      );
    });
  });

  describe('refusing what a transaction cannot take back', () => {
    const refused = [
      ['CREATE TABLE made_by_draft (a INT)', /CREATE commits the transaction by itself/],
      ['DROP TABLE orders', /DROP commits/],
      ['/* note */ TRUNCATE orders', /TRUNCATE commits/],
      ['LOCK TABLES orders WRITE', /LOCK commits/],
      ['COMMIT', /would end the draft's transaction/],
      ['start transaction', /would end the draft's transaction/],
      ['SET autocommit = 1', /SET/],
      ['/*!50000 DROP TABLE orders */', /executable comments/],
      ['CALL anything()', /procedure/],
    ] as const;

    for (const [sql, reason] of refused) {
      it(`refuses ${sql} with 902 and says why`, async () => {
        const code = job(`
          const [r, err, code] = await core.mysql.query('${database.name}', ${JSON.stringify(sql)});
          core.log(JSON.stringify({ err, code }));
          return job.OK;`);
        const answer = await t.api('/jobs/orders/run', { method: 'POST', body: { code } });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        const said = JSON.parse(answer.body.logs[0].message);
        assert.equal(said.code, 902);
        assert.match(said.err, reason);
      });
    }

    it('leaves the schema as it was', async () => {
      const [tables] = await admin.query('SHOW TABLES');
      assert.deepEqual((tables as Array<Record<string, string>>).map((r) => Object.values(r)[0]), ['orders']);
    });
  });

  describe('that ends by timing out mid-transaction', () => {
    it('still rolls back and lets go of its locks', async () => {
      await admin.query("INSERT INTO orders (id, item) VALUES (100, 'kept')");
      const created = await t.api('/jobs', { method: 'POST', body: { name: 'spinner', interval: 3600, timeout: 1 } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const code = job(`
        const [n, err] = await core.mysql.query('${database.name}', "UPDATE orders SET item = 'draft' WHERE id = 100");
        if (err) throw new Error(err);
        while (true) {}`);
      const answer = await t.api('/jobs/spinner/run', { method: 'POST', body: { code } });
      assert.equal(answer.body.outcome, 'timeout', JSON.stringify(answer.body));
      // Blocks (and fails after 3 s) if the draft's transaction still holds the row.
      await admin.query('SET SESSION innodb_lock_wait_timeout = 3');
      await admin.query("UPDATE orders SET item = 'after' WHERE id = 100");
      assert.deepEqual(await rows(), ['after']);
      await admin.query('DELETE FROM orders');
    });
  });

  describe('in live mode', () => {
    it('acts: the row stays, the email goes, the request is made, the data is kept', async () => {
      http.seen.length = 0;
      const answer = await t.api('/jobs/orders/run', { method: 'POST', body: { code: SIDE_EFFECTS(database.name, http.origin), mode: 'live' } });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.outcome, 'success', JSON.stringify(answer.body));
      assert.equal(answer.body.held, undefined);
      assert.deepEqual(await rows(), ['pen']);
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(http.seen.map((r) => `${r.method} ${r.url}`), ['POST /hook', 'GET /read']);
      assert.equal((await t.service.store.dataPage('orders', { page: 1, perPage: 10 })).length, 1);
      await admin.query('DELETE FROM orders');
    });

    it('runs the saved code live when no draft is given, and refuses a mode without one', async () => {
      const saved = await t.api('/jobs/orders/code', { method: 'PUT', body: { code: job(`await core.mysql.insert('${database.name}', { tbl: 'orders', values: { item: 'saved' } }); return job.OK;`) } });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const answer = await t.api('/jobs/orders/run', { method: 'POST', body: {} });
      assert.equal(answer.body.outcome, 'success', JSON.stringify(answer.body));
      assert.deepEqual(await rows(), ['saved']);
      const refused = await t.api('/jobs/orders/run', { method: 'POST', body: { mode: 'safe' } });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.field, 'mode');
    });
  });
});

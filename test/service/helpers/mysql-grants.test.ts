/**
 * QUICKJOBS_MYSQL_DATABASES held by MySQL: the service reads its helper user's grants at start and
 * refuses to start when they reach beyond the list; and no session state crosses from one run to
 * the next on a pooled connection. Against the real MariaDB, with real users made for each test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { ConfigError } from '../../../service/config-error.js';
import { grantReach } from '../../../service/helpers/mysql-grants.js';
import { createTestService, type TestService } from '../../helpers/app.js';
import { gate, MYSQL_URL, probeMysql } from '../../helpers/require-service.js';
import { uniqueName } from './fixtures.js';

const skip = await gate('mysql', probeMysql);

/** How a database name must be written in a GRANT so that `_` is not a wildcard. */
const literal = (db: string): string => `\`${db.replace(/[_%]/g, '\\$&')}\``;

describe('the helper user\'s grants', () => {
  it('stay within the list only with database grants on listed names, escaped', () => {
    const to = " TO `app`@`%`";
    assert.equal(grantReach(`GRANT USAGE ON *.*${to} IDENTIFIED BY PASSWORD '*AB'`, ['shop']), null);
    assert.equal(grantReach(`GRANT ALL PRIVILEGES ON \`shop\`.*${to}`, ['shop']), null);
    assert.equal(grantReach(`GRANT SELECT, INSERT ON \`my\\_shop\`.*${to}`, ['my_shop']), null);
    assert.equal(grantReach(`GRANT SELECT (\`a\`, \`b\`), UPDATE ON \`my_shop\`.\`t\`${to}`, ['my_shop']), null);
    assert.match(grantReach(`GRANT SELECT ON *.*${to}`, ['shop'])!, /global/);
    assert.match(grantReach(`GRANT ALL PRIVILEGES ON \`other\`.*${to}`, ['shop'])!, /database `other`/);
    assert.match(grantReach(`GRANT SELECT ON \`my_shop\`.*${to}`, ['my_shop'])!, /pattern `my_shop`.*escape it: `my\\_shop`/);
    assert.match(grantReach(`GRANT SELECT ON \`sh%\`.*${to}`, ['shop'])!, /pattern/);
    assert.match(grantReach(`GRANT EXECUTE ON PROCEDURE \`other\`.\`p\`${to}`, ['shop'])!, /database `other`/);
    assert.match(grantReach(`GRANT \`admin_role\`${to}`, ['shop'])!, /role/);
    assert.match(grantReach(`GRANT PROXY ON ''@'%'${to}`, ['shop'])!, /PROXY/);
  });
});

describe('starting with QUICKJOBS_MYSQL_DATABASES against the real MariaDB', { skip }, () => {
  const allowed = uniqueName('qj_allowed');
  const other = uniqueName('qj_other');
  const users: string[] = [];
  let admin: mysql.Connection;
  const server = new URL(MYSQL_URL);

  before(async () => {
    admin = await mysql.createConnection(MYSQL_URL);
    await admin.query(`CREATE DATABASE \`${allowed}\``);
    await admin.query(`CREATE DATABASE \`${other}\``);
    await admin.query(`CREATE TABLE \`${other}\`.creds (secret VARCHAR(32))`);
    await admin.query(`INSERT INTO \`${other}\`.creds VALUES ('hunter2')`);
  });

  after(async () => {
    for (const user of users) await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.query(`DROP DATABASE IF EXISTS \`${allowed}\``);
    await admin.query(`DROP DATABASE IF EXISTS \`${other}\``);
    await admin.end();
  });

  /** A new user with the given grants; its QUICKJOBS_MYSQL_URL. */
  async function userWith(grants: string[]): Promise<string> {
    const user = uniqueName('qj_u').slice(0, 32);
    users.push(user);
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw-${user}'`);
    for (const grant of grants) await admin.query(`GRANT ${grant} TO '${user}'@'%'`);
    return `mysql://${user}:pw-${user}@${server.hostname}:${server.port || 3306}`;
  }

  async function start(url: string, env: Record<string, string> = {}, print?: (line: string) => void): Promise<TestService> {
    return createTestService({ QUICKJOBS_MYSQL_URL: url, QUICKJOBS_MYSQL_DATABASES: allowed, QUICKJOBS_WORKERS: '1', ...env }, undefined, print ? { print } : {});
  }

  async function refusal(url: string): Promise<ConfigError> {
    const error = await start(url).then(
      async (t) => {
        await t.close();
        assert.fail('the service started');
      },
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.variable, 'QUICKJOBS_MYSQL_URL');
    assert.doesNotMatch(error.message, /\n/);
    return error;
  }

  it('refuses to start with a user that has global privileges, naming the user and the fix', async () => {
    const error = await refusal(await userWith([`ALL PRIVILEGES ON ${literal(allowed)}.*`, 'SELECT ON *.*']));
    assert.match(error.message, /may reach beyond QUICKJOBS_MYSQL_DATABASES/);
    assert.match(error.message, /global privileges/);
    assert.match(error.message, /QUICKJOBS_MYSQL_GRANTS=warn/);
  });

  it('refuses a user that may read another database, or a pattern that matches others', async () => {
    assert.match((await refusal(await userWith([`SELECT ON ${literal(other)}.*`]))).message, new RegExp(`database \`${other}\``));
    assert.match((await refusal(await userWith([`SELECT ON \`${other}\`.creds`]))).message, new RegExp(`database \`${other}\``));
    // Unescaped, the _ in the name is a wildcard and the grant covers other databases too.
    assert.match((await refusal(await userWith([`SELECT ON \`${allowed}\`.*`]))).message, /pattern/);
  });

  it('refuses root, as the default test server has it', async () => {
    const root = new URL(MYSQL_URL);
    root.pathname = '';
    assert.match((await refusal(root.href)).message, /global privileges/);
  });

  it('starts with the warning opt-out, saying loudly what jobs can reach', async () => {
    const lines: string[] = [];
    const t = await start(await userWith(['SELECT ON *.*']), { QUICKJOBS_MYSQL_GRANTS: 'warn' }, (line) => lines.push(line));
    await t.close();
    assert.ok(lines.some((line) => /WARNING .*global privileges.*outside QUICKJOBS_MYSQL_DATABASES/.test(line)), lines.join('\n'));
  });

  describe('with a user restricted to the allowed database', () => {
    let t: TestService;
    before(async () => {
      const url = await userWith([`ALL PRIVILEGES ON ${literal(allowed)}.*`]);
      t = await start(url, { QUICKJOBS_MYSQL_CONNECTIONS: '1' });
      await admin.query(`CREATE TABLE \`${allowed}\`.notes (n INT)`);
    });
    after(() => t?.close());

    async function runJob(name: string, body: string): Promise<{ outcome: string; logs: string[] }> {
      const code = `const job = core.job();\njob.run = async () => {\n${body}\nreturn job.OK;\n};\nreturn job;`;
      const created = await t.api('/jobs', { method: 'POST', body: { name, interval: 3600, code } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const run = await t.api(`/jobs/${name}/run`, { method: 'POST' });
      assert.equal(run.status, 200, JSON.stringify(run.body));
      return { outcome: run.body.outcome, logs: (run.body.logs as Array<{ message: string }>).map((l) => l.message) };
    }

    it('lets MySQL refuse raw SQL and a where string that reach another database', async () => {
      const { logs } = await runJob(
        'sneaky',
        `const [rows, err, code] = await core.mysql.query(${JSON.stringify(allowed)}, "SELECT * FROM \`${other}\`.creds");
         core.log(JSON.stringify({ rows, err, code }));
         const [r2, e2, c2] = await core.mysql.select(${JSON.stringify(allowed)}, { tbl: 'notes', where: "1=0) UNION SELECT secret FROM \`${other}\`.creds WHERE (1=1" });
         core.log(JSON.stringify({ rows: r2, err: e2, code: c2 }));`,
      );
      for (const line of logs) {
        const result = JSON.parse(line) as { rows: unknown; err: string; code: number };
        assert.equal(result.rows, null);
        assert.equal(result.code, 902);
        assert.match(result.err, /denied/i);
        assert.doesNotMatch(line, /hunter2/);
      }
    });

    it('clears every session state a run leaves on a pooled connection before the next run', async () => {
      const db = JSON.stringify(allowed);
      const first = await runJob(
        'leaver',
        `for (const sql of ['USE information_schema', 'SET autocommit = 0', 'SET @leak = 42', 'CREATE TEMPORARY TABLE leak_tmp (a INT)', 'START TRANSACTION']) {
           const [, err] = await core.mysql.query(${db}, sql);
           core.log(sql, err ?? 'ok');
         }`,
      );
      assert.equal(first.outcome, 'success');
      const second = await runJob(
        'follower',
        `const [rows, err] = await core.mysql.query(${db}, 'SELECT DATABASE() AS db, @leak AS leak, @@autocommit AS ac');
         core.log(JSON.stringify(rows ?? err));
         const [, tmpErr] = await core.mysql.query(${db}, 'SELECT * FROM leak_tmp');
         core.log(tmpErr ?? 'temporary table survived');
         const [id, insErr] = await core.mysql.insert(${db}, { tbl: 'notes', values: { n: 7 } });
         core.log(insErr ?? 'inserted');`,
      );
      assert.equal(second.outcome, 'success');
      assert.deepEqual(JSON.parse(second.logs[0]!), [{ db: allowed, leak: null, ac: 1 }]);
      assert.match(second.logs[1]!, /doesn't exist/);
      assert.equal(second.logs[2], 'inserted');
      // Committed, as seen from another connection.
      const [rows] = await admin.query(`SELECT n FROM \`${allowed}\`.notes`);
      assert.deepEqual(rows, [{ n: 7 }]);
    });
  });
});

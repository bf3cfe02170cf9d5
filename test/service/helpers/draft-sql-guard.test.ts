/** Which raw SQL a safe draft runs and which it refuses, whatever the spelling. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkDraftSql } from '../../../service/helpers/draft-sql-guard.js';
import { DatabaseError } from '../../../service/helpers/errors.js';

describe('a safe draft\'s SQL guard', () => {
  for (const sql of ['SELECT 1', '  select * from t', '(SELECT 1) UNION (SELECT 2)', 'INSERT INTO t VALUES (1)', 'update t set a=1', "SET @x = 'autocommitted'", 'SAVEPOINT s1', '-- hi\nDELETE FROM t']) {
    it(`runs ${JSON.stringify(sql)}`, () => {
      assert.doesNotThrow(() => checkDraftSql(sql));
    });
  }
  for (const sql of [
    'create table x (a int)',
    '  DROP TABLE t',
    '/* c */ ALTER TABLE t ADD b INT',
    '# c\nRENAME TABLE a TO b',
    '-- c\nTRUNCATE t',
    'lock tables t write',
    'COMMIT',
    'Rollback',
    'BEGIN',
    'START TRANSACTION',
    'SET autocommit=0',
    'set @a = 1, AUTOCOMMIT = 1',
    'SET GLOBAL max_connections = 1',
    'CALL p()',
    'USE other',
    'SELECT 1 /*!50000 ; DROP TABLE t */',
    '/*M!100000 DROP TABLE t */',
    '(CREATE TABLE x (a int))',
  ]) {
    it(`refuses ${JSON.stringify(sql)} with 902`, () => {
      assert.throws(() => checkDraftSql(sql), (error: unknown) => error instanceof DatabaseError && error.code === 902);
    });
  }
});

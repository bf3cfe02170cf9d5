import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MissingArgumentError, WrongTypeError } from '../../../service/helpers/errors.js';
import {
  buildDelete,
  buildInsert,
  buildSelect,
  buildSelectCount,
  buildSelectOne,
  buildUpdate,
} from '../../../service/helpers/sql-builder.js';

describe('buildSelect', () => {
  it('selects every column of a table when only tbl is given', () => {
    assert.deepEqual(buildSelect({ tbl: 'toys' }), { sql: 'SELECT * FROM `toys`', params: [] });
  });

  it('escapes columns, ANDs where fields, orders and limits with bound values', () => {
    const s = buildSelect({
      tbl: 'toys',
      columns: ['id', 'stock'],
      where: { type: 'Red Bikes', kind: ['Truck', 'Car'], deleted_at: null },
      orderby: { name: 'asc', id: 'DESC' },
      limit: [5, 10],
      distinct: true,
    });
    assert.equal(
      s.sql,
      'SELECT DISTINCT `id`, `stock` FROM `toys` WHERE `type` = ? AND `kind` IN (?, ?) AND `deleted_at` IS NULL ORDER BY `name` ASC, `id` DESC LIMIT ?, ?',
    );
    assert.deepEqual(s.params, ['Red Bikes', 'Truck', 'Car', 5, 10]);
  });

  it('reads orderby written as SQL-like text', () => {
    assert.equal(buildSelect({ tbl: 't', orderby: 'name' }).sql, 'SELECT * FROM `t` ORDER BY `name` ASC');
    assert.equal(buildSelect({ tbl: 't', orderby: 'name desc, id' }).sql, 'SELECT * FROM `t` ORDER BY `name` DESC, `id` ASC');
  });

  it('keeps a where string as raw SQL in parentheses', () => {
    assert.equal(buildSelect({ tbl: 't', where: '`score` > 10', limit: 3 }).sql, 'SELECT * FROM `t` WHERE (`score` > 10) LIMIT ?');
  });

  it('matches nothing for an empty IN list instead of writing invalid SQL', () => {
    assert.equal(buildSelect({ tbl: 't', where: { id: [] } }).sql, 'SELECT * FROM `t` WHERE FALSE');
  });

  it('answers 804 without a table and 801 for the wrong types', () => {
    assert.throws(() => buildSelect({}), MissingArgumentError);
    assert.throws(() => buildSelect(undefined), MissingArgumentError);
    assert.throws(() => buildSelect('toys'), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 42 }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', columns: 5 }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', where: 5 }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', where: { a: { b: 1 } } }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', limit: 'all' }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', limit: -1 }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', limit: [1] }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', distinct: 'yes' }), WrongTypeError);
  });
});

describe('injection attempts', () => {
  it('cannot break out of a table name', () => {
    const s = buildSelect({ tbl: 'toys` WHERE 1=1; DROP TABLE toys; -- ' });
    assert.equal(s.sql, 'SELECT * FROM `toys`` WHERE 1=1; DROP TABLE toys; -- `');
  });

  it('cannot name a table in another database', () => {
    assert.equal(buildSelect({ tbl: 'mysql.user' }).sql, 'SELECT * FROM `mysql.user`');
    assert.equal(buildInsert({ tbl: 'other.t', values: { a: 1 } }).sql, 'INSERT INTO `other.t` (`a`) VALUES (?)');
  });

  it('cannot break out of a column name', () => {
    const s = buildSelect({ tbl: 't', columns: ['a`, (SELECT password FROM users) AS `x'] });
    assert.equal(s.sql, 'SELECT `a``, (SELECT password FROM users) AS ``x` FROM `t`');
  });

  it('binds where values and escapes where keys', () => {
    const s = buildSelect({ tbl: 't', where: { "name` = 'x' OR 1=1 -- ": "' OR '1'='1" } });
    assert.equal(s.sql, "SELECT * FROM `t` WHERE `name`` = 'x' OR 1=1 -- ` = ?");
    assert.deepEqual(s.params, ["' OR '1'='1"]);
  });

  it('refuses anything but asc or desc as a direction', () => {
    assert.throws(() => buildSelect({ tbl: 't', orderby: 'name; DROP TABLE t' }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', orderby: { name: 'ASC, (SELECT 1)' } }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', orderby: 'name ASC LIMIT 1' }), WrongTypeError);
  });

  it('escapes every orderby column written as text', () => {
    assert.equal(buildSelect({ tbl: 't', orderby: 'id`,(sleep(5))#' }).sql, 'SELECT * FROM `t` ORDER BY `id``` ASC, `(sleep(5))#` ASC');
  });

  it('binds limits and refuses SQL in them', () => {
    assert.throws(() => buildSelect({ tbl: 't', limit: '1; DROP TABLE t' }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', limit: [0, '10 UNION SELECT 1'] }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', limit: 1.5 }), WrongTypeError);
  });

  it('binds inserted and updated values and escapes their columns', () => {
    const i = buildInsert({ tbl: 't', values: { "a`) VALUES (1); DROP TABLE t; -- ": "x'); DROP TABLE t; --" } });
    assert.equal(i.sql, 'INSERT INTO `t` (`a``) VALUES (1); DROP TABLE t; -- `) VALUES (?)');
    assert.deepEqual(i.params, ["x'); DROP TABLE t; --"]);
    const u = buildUpdate({ tbl: 't', values: { 'b` = 1, `admin': true }, where: { id: '1 OR 1=1' } });
    assert.equal(u.sql, 'UPDATE `t` SET `b`` = 1, ``admin` = ? WHERE `id` = ?');
    assert.deepEqual(u.params, [true, '1 OR 1=1']);
  });

  it('refuses objects and arrays as values, which the driver would expand into SQL', () => {
    assert.throws(() => buildInsert({ tbl: 't', values: { a: { toSqlString: 'x' } } }), WrongTypeError);
    assert.throws(() => buildUpdate({ tbl: 't', values: { a: [1, 2] } }), WrongTypeError);
    assert.throws(() => buildSelect({ tbl: 't', where: { a: [[1]] } }), WrongTypeError);
  });
});

describe('buildSelectOne and buildSelectCount', () => {
  it('limits selectOne to one row and requires where', () => {
    assert.deepEqual(buildSelectOne({ tbl: 't', where: { id: 3 }, columns: 'name' }), {
      sql: 'SELECT `name` FROM `t` WHERE `id` = ? LIMIT 1',
      params: [3],
    });
    assert.throws(() => buildSelectOne({ tbl: 't' }), MissingArgumentError);
  });

  it('counts rows, with or without where', () => {
    assert.equal(buildSelectCount({ tbl: 't' }).sql, 'SELECT COUNT(*) AS `count` FROM `t`');
    assert.deepEqual(buildSelectCount({ tbl: 't', where: { a: 1 } }).params, [1]);
  });
});

describe('buildInsert, buildUpdate and buildDelete', () => {
  it('inserts the given columns', () => {
    assert.deepEqual(buildInsert({ tbl: 't', values: { a: 1, b: null, c: 'x' } }), {
      sql: 'INSERT INTO `t` (`a`, `b`, `c`) VALUES (?, ?, ?)',
      params: [1, null, 'x'],
    });
  });

  it('requires values with at least one column', () => {
    assert.throws(() => buildInsert({ tbl: 't' }), MissingArgumentError);
    assert.throws(() => buildInsert({ tbl: 't', values: {} }), MissingArgumentError);
    assert.throws(() => buildUpdate({ tbl: 't', values: 'a = 1' }), WrongTypeError);
  });

  it('updates every row when where is absent, as the contract says', () => {
    assert.equal(buildUpdate({ tbl: 't', values: { a: 1 } }).sql, 'UPDATE `t` SET `a` = ?');
  });

  it('deletes only with a where or force: true', () => {
    assert.deepEqual(buildDelete({ tbl: 't', where: { id: 1 } }), { sql: 'DELETE FROM `t` WHERE `id` = ?', params: [1] });
    assert.throws(() => buildDelete({ tbl: 't' }), MissingArgumentError);
    assert.throws(() => buildDelete({ tbl: 't', where: {} }), MissingArgumentError);
    assert.throws(() => buildDelete({ tbl: 't', where: '  ' }), MissingArgumentError);
    assert.throws(() => buildDelete({ tbl: 't', force: 'yes' }), WrongTypeError);
    assert.equal(buildDelete({ tbl: 't', force: true }).sql, 'DELETE FROM `t`');
  });
});

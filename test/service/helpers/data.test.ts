import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createHelperHost, type HelperHost } from '../../../service/helpers/index.js';
import { StoreError } from '../../../service/store/errors.js';
import { SqliteStore } from '../../../service/store/sqlite-store.js';
import type { Store } from '../../../service/store/store.js';
import { context, helperConfig } from './fixtures.js';

describe('core.data over the SQLite store', () => {
  let dir: string;
  let store: SqliteStore;
  let host: HelperHost;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qj-data-'));
    store = SqliteStore.open({ file: join(dir, 'store.db'), runHistory: 10 });
    host = createHelperHost(helperConfig(), { store });
  });

  after(async () => {
    await host.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves an object and reads it back by id and by query', async () => {
    const [id, err] = await host.call('data.save', ['config', { theme: 'dark', level: 3 }], context());
    assert.equal(err, null);
    assert.equal(typeof id, 'string');
    assert.deepEqual(await host.call('data.get', ['config', id], context()), [{ theme: 'dark', level: 3, _id: id }, null, null]);
    const [found] = await host.call('data.get', ['config', { level: 3 }], context());
    assert.equal((found as { _id: string })._id, id);
    assert.deepEqual(await host.call('data.get', ['config', 'no-such-id'], context()), [null, null, null]);
  });

  it('replaces an object saved with its _id', async () => {
    const [id] = await host.call('data.save', ['config', { v: 1 }], context());
    assert.deepEqual(await host.call('data.save', ['config', { _id: id, v: 2 }], context()), [id, null, null]);
    const [obj] = await host.call('data.get', ['config', id], context());
    assert.equal((obj as { v: number }).v, 2);
  });

  it('keeps sources apart', async () => {
    const [id] = await host.call('data.save', ['a', { x: 1 }], context());
    assert.deepEqual(await host.call('data.get', ['b', id], context()), [null, null, null]);
  });

  it('deletes by id and answers whether there was one', async () => {
    const [id] = await host.call('data.save', ['gone', { x: 1 }], context());
    assert.deepEqual(await host.call('data.delete', ['gone', id], context()), [true, null, null]);
    assert.deepEqual(await host.call('data.delete', ['gone', id], context()), [false, null, null]);
  });

  it('pages, sorts and filters', async () => {
    for (const n of [3, 1, 2, 5, 4]) await host.call('data.save', ['users', { n, even: n % 2 === 0 }], context());
    const nums = (tuple: unknown[]): number[] => (tuple[0] as Array<{ n: number }>).map((o) => o.n);
    assert.deepEqual(nums(await host.call('data.getPage', ['users', 1], context())), [3, 1, 2, 5, 4]);
    assert.deepEqual(nums(await host.call('data.getPage', ['users', 1, 2, 'n'], context())), [1, 2]);
    assert.deepEqual(nums(await host.call('data.getPage', ['users', 2, 2, { n: 'desc' }], context())), [3, 2]);
    assert.deepEqual(nums(await host.call('data.getPage', ['users', 1, 10, null, { even: true }], context())), [2, 4]);
    assert.deepEqual(nums(await host.call('data.getPage', ['users', 9, 10], context())), []);
  });

  it('answers 801 and 804 for bad sources, objects, pages and sorts', async () => {
    const cases: Array<[Parameters<HelperHost['call']>[0], unknown[], number]> = [
      ['data.get', [], 804],
      ['data.get', ['config'], 804],
      ['data.get', [42, 'x'], 801],
      ['data.get', ['bad source!', 'x'], 801],
      ['data.get', ['x'.repeat(65), 'x'], 801],
      ['data.get', ['config', 42], 801],
      ['data.get', ['config', { 'a) OR 1=1 --': 1 }], 801],
      ['data.save', ['config'], 804],
      ['data.save', ['config', [1, 2]], 801],
      ['data.save', ['config', 'text'], 801],
      ['data.save', ['config', { _id: 5 }], 801],
      ['data.delete', ['config'], 804],
      ['data.delete', ['config', { _id: 'x' }], 801],
      ['data.getPage', ['users'], 804],
      ['data.getPage', ['users', 0], 801],
      ['data.getPage', ['users', 1.5], 801],
      ['data.getPage', ['users', '1'], 801],
      ['data.getPage', ['users', 1, 5000], 801],
      ['data.getPage', ['users', 1, 10, { n: 'sideways' }], 801],
      ['data.getPage', ['users', 1, 10, { n: 'asc', m: 'desc' }], 801],
      ['data.getPage', ['users', 1, 10, 'n; DROP TABLE data'], 801],
      ['data.getPage', ['users', 1, 10, null, 'even'], 801],
    ];
    for (const [name, args, expected] of cases) {
      const [, err, code] = await host.call(name, args, context());
      assert.equal(code, expected, `${name} ${JSON.stringify(args)}: ${err}`);
    }
  });
});

describe('core.data limits', () => {
  let dir: string;
  let store: SqliteStore;
  let host: HelperHost;
  const as = (jobName: string) => ({ ...context(), jobName });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'qj-data-quota-'));
    store = SqliteStore.open({ file: join(dir, 'store.db'), runHistory: 10 });
    host = createHelperHost(helperConfig({ QUICKJOBS_DATA_QUOTA_MB: '1' }), { store });
  });

  after(async () => {
    await host.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an object over 1 MiB with 840, saving nothing', async () => {
    const [, err, code] = await host.call('data.save', ['big', { _id: 'x', v: 'x'.repeat(1024 * 1024) }], as('a'));
    assert.equal(code, 840, String(err));
    assert.deepEqual(await host.call('data.get', ['big', 'x'], as('a')), [null, null, null]);
  });

  it('stops a job at its quota with 841, counting replaced and deleted objects once, and leaves other jobs alone', async () => {
    const chunk = 'q'.repeat(200 * 1024);
    for (let i = 0; i < 5; i++) assert.equal((await host.call('data.save', ['fill', { _id: `k${i}`, v: chunk }], as('filler')))[1], null);
    // Replacing an object counts its new size only.
    assert.equal((await host.call('data.save', ['fill', { _id: 'k0', v: chunk }], as('filler')))[1], null);
    const [, err, code] = await host.call('data.save', ['fill', { _id: 'k5', v: chunk }], as('filler'));
    assert.equal(code, 841);
    assert.match(err!, /quota/);
    assert.match(err!, /QUICKJOBS_DATA_QUOTA_MB/);
    assert.deepEqual(await host.call('data.get', ['fill', 'k5'], as('filler')), [null, null, null]);
    // Another job has a quota of its own.
    assert.equal((await host.call('data.save', ['fill', { _id: 'other', v: chunk }], as('other')))[1], null);
    // Deleting frees the room.
    assert.deepEqual(await host.call('data.delete', ['fill', 'k1'], as('filler')), [true, null, null]);
    assert.equal((await host.call('data.save', ['fill', { _id: 'k5', v: chunk }], as('filler')))[1], null);
  });
});

describe('core.data when the store fails', () => {
  it('answers 820 with the store message', async () => {
    const broken = {
      dataGet: () => Promise.reject(new StoreError('disk I/O error')),
      dataSave: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')),
    } as unknown as Store;
    const host = createHelperHost(helperConfig(), { store: broken });
    const [, err, code] = await host.call('data.get', ['config', 'x'], context());
    assert.equal(code, 820);
    assert.match(err!, /disk I\/O error/);
    const [, err2, code2] = await host.call('data.save', ['config', { a: 1 }], context());
    assert.equal(code2, 820);
    assert.match(err2!, /SQLITE_FULL/);
  });
});

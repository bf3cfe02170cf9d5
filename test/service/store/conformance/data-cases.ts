/** core.data: JSON objects per source, by id or by "all these fields equal", paged and sorted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DataArgumentError } from '../../../../service/store/errors.js';
import type { StoreContext } from './context.js';

export function describeData(context: StoreContext): void {
  describe('core.data', () => {
    /** Saves the objects in order; resolves to their ids. */
    async function saveAll(source: string, values: Array<Record<string, unknown>>): Promise<string[]> {
      const ids: string[] = [];
      for (const value of values) ids.push(await context.store.dataSave(source, value));
      return ids;
    }

    it('gives a new object a string id and keeps it inside as _id', async () => {
      const value = { name: 'Ada', tags: ['x', 'y'], nested: { deep: { n: 1.5 } }, ok: false, none: null, text: 'é ✓ "q"' };
      const id = await context.store.dataSave('people', value);
      assert.equal(typeof id, 'string');
      assert.ok(id.length > 0);
      assert.deepEqual(await context.store.dataGet('people', id), { ...value, _id: id });
    });

    it('gives every new object its own id', async () => {
      const ids = await saveAll('people', [{ n: 1 }, { n: 1 }, { n: 1 }]);
      assert.equal(new Set(ids).size, 3);
    });

    it('replaces the object with the same _id, dropping the fields it no longer has', async () => {
      const id = await context.store.dataSave('people', { name: 'Ada', age: 36 });
      assert.equal(await context.store.dataSave('people', { _id: id, name: 'Ada Lovelace' }), id);
      assert.deepEqual(await context.store.dataGet('people', id), { _id: id, name: 'Ada Lovelace' });
      assert.equal((await context.store.dataPage('people', { page: 1, perPage: 10 })).length, 1);
    });

    it('creates an object under an _id it has not seen', async () => {
      assert.equal(await context.store.dataSave('people', { _id: 'chosen-id', n: 1 }), 'chosen-id');
      assert.deepEqual(await context.store.dataGet('people', 'chosen-id'), { _id: 'chosen-id', n: 1 });
    });

    it('keeps sources apart', async () => {
      const id = await context.store.dataSave('one', { n: 1 });
      assert.equal(await context.store.dataGet('two', id), null);
      assert.equal(await context.store.dataGet('two', { n: 1 }), null);
      assert.deepEqual(await context.store.dataPage('two', { page: 1, perPage: 10 }), []);
      assert.equal(await context.store.dataDelete('two', id), false);
      assert.deepEqual(await context.store.dataGet('one', id), { n: 1, _id: id });
    });

    it('answers null for an id it does not have', async () => {
      assert.equal(await context.store.dataGet('people', 'no-such-id'), null);
    });

    it('deletes an object once', async () => {
      const id = await context.store.dataSave('people', { n: 1 });
      assert.equal(await context.store.dataDelete('people', id), true);
      assert.equal(await context.store.dataGet('people', id), null);
      assert.equal(await context.store.dataDelete('people', id), false);
    });

    describe('by query', () => {
      it('finds the first object, in creation order, whose fields all equal the query', async () => {
        const [, second, third] = await saveAll('pets', [
          { kind: 'cat', age: 2 },
          { kind: 'dog', age: 2 },
          { kind: 'dog', age: 2, name: 'Rex' },
        ]);
        assert.equal((await context.store.dataGet('pets', { kind: 'dog' }))?._id, second);
        assert.equal((await context.store.dataGet('pets', { kind: 'dog', name: 'Rex' }))?._id, third);
        assert.equal(await context.store.dataGet('pets', { kind: 'dog', age: 3 }), null);
      });

      it('matches nested fields by a dotted path', async () => {
        const [, id] = await saveAll('places', [{ address: { city: 'Oslo' } }, { address: { city: 'Bergen', zip: 5003 } }]);
        assert.equal((await context.store.dataGet('places', { 'address.city': 'Bergen' }))?._id, id);
        assert.equal((await context.store.dataGet('places', { 'address.zip': 5003 }))?._id, id);
      });

      it('tells numbers, strings and booleans apart', async () => {
        const [one, text, yes] = await saveAll('typed', [{ v: 1 }, { v: '1' }, { v: true }]);
        assert.equal((await context.store.dataGet('typed', { v: 1 }))?._id, one);
        assert.equal((await context.store.dataGet('typed', { v: '1' }))?._id, text);
        assert.equal((await context.store.dataGet('typed', { v: true }))?._id, yes);
        assert.equal(await context.store.dataGet('typed', { v: false }), null);
        assert.equal(await context.store.dataGet('typed', { v: 1.5 }), null);
      });

      it('matches null against a null or missing field', async () => {
        const [missing, isNull] = await saveAll('nulls', [{ a: 1 }, { a: 2, b: null }, { a: 3, b: 0 }]);
        assert.equal((await context.store.dataGet('nulls', { b: null }))?._id, missing);
        assert.equal((await context.store.dataGet('nulls', { b: null, a: 2 }))?._id, isNull);
      });

      it('matches objects and arrays by their whole value', async () => {
        const [, id] = await saveAll('shapes', [{ tags: ['a'] }, { tags: ['a', 'b'], pos: { x: 1, y: 2 } }]);
        assert.equal((await context.store.dataGet('shapes', { tags: ['a', 'b'] }))?._id, id);
        assert.equal((await context.store.dataGet('shapes', { pos: { x: 1, y: 2 } }))?._id, id);
        assert.equal(await context.store.dataGet('shapes', { tags: ['b', 'a'] }), null);
      });

      it('finds by _id like any other field', async () => {
        const [, id] = await saveAll('ids', [{ n: 1 }, { n: 2 }]);
        assert.equal((await context.store.dataGet('ids', { _id: id! }))?.n, 2);
      });

      it('refuses field names that are not plain dotted paths', async () => {
        await saveAll('safe', [{ a: 1 }]);
        for (const field of ["a') OR 1=1 --", 'a b', '$.a', 'a..b', '1a', '', 'a[0]', 'a.']) {
          await assert.rejects(
            context.store.dataGet('safe', { [field]: 1 }),
            (error: unknown) => error instanceof DataArgumentError && error.argument === 'query',
            `field ${JSON.stringify(field)}`,
          );
        }
      });

      it('refuses values that are not JSON', async () => {
        await assert.rejects(context.store.dataGet('safe', { a: undefined }), DataArgumentError);
        await assert.rejects(context.store.dataGet('safe', { a: Number.NaN }), DataArgumentError);
      });
    });

    describe('pages', () => {
      const letters = ['c', 'a', 'e', 'b', 'd'];

      it('pages in creation order from page 1, a replace keeping its place', async () => {
        const ids = await saveAll('letters', letters.map((letter) => ({ letter })));
        await context.store.dataSave('letters', { _id: ids[0]!, letter: 'c2' });
        const page = async (n: number) =>
          (await context.store.dataPage('letters', { page: n, perPage: 2 })).map((o) => o.letter);
        assert.deepEqual(await page(1), ['c2', 'a']);
        assert.deepEqual(await page(2), ['e', 'b']);
        assert.deepEqual(await page(3), ['d']);
        assert.deepEqual(await page(4), []);
      });

      it('sorts by a field either way', async () => {
        await saveAll('letters', letters.map((letter, i) => ({ letter, meta: { n: i } })));
        const sorted = async (field: string, order: 'asc' | 'desc') =>
          (await context.store.dataPage('letters', { page: 1, perPage: 10, sort: { field, order } })).map((o) => o.letter);
        assert.deepEqual(await sorted('letter', 'asc'), ['a', 'b', 'c', 'd', 'e']);
        assert.deepEqual(await sorted('letter', 'desc'), ['e', 'd', 'c', 'b', 'a']);
        assert.deepEqual(await sorted('meta.n', 'desc'), ['d', 'b', 'e', 'a', 'c']);
      });

      it('keeps creation order among equal sort values, so pages never overlap', async () => {
        await saveAll('ties', [1, 2, 3, 4, 5, 6].map((n) => ({ n, group: n % 2 })));
        const seen: unknown[] = [];
        for (let page = 1; page <= 3; page++) {
          const objects = await context.store.dataPage('ties', { page, perPage: 2, sort: { field: 'group', order: 'asc' } });
          seen.push(...objects.map((o) => o.n));
        }
        assert.deepEqual(seen, [2, 4, 6, 1, 3, 5]);
      });

      it('pages through the objects a query matches', async () => {
        await saveAll('pets', [
          { kind: 'dog', name: 'b' },
          { kind: 'cat', name: 'x' },
          { kind: 'dog', name: 'a' },
          { kind: 'dog', name: 'c' },
        ]);
        const dogs = await context.store.dataPage('pets', {
          page: 1,
          perPage: 2,
          sort: { field: 'name', order: 'asc' },
          query: { kind: 'dog' },
        });
        assert.deepEqual(
          dogs.map((o) => o.name),
          ['a', 'b'],
        );
      });

      it('refuses an unsafe sort field, an unknown order and pages below 1', async () => {
        const reject = (query: Parameters<typeof context.store.dataPage>[1], argument: string) =>
          assert.rejects(
            context.store.dataPage('letters', query),
            (error: unknown) => error instanceof DataArgumentError && error.argument === argument,
          );
        await reject({ page: 1, perPage: 5, sort: { field: 'a; DROP TABLE x', order: 'asc' } }, 'sort');
        await reject({ page: 1, perPage: 5, sort: { field: 'a', order: 'sideways' as 'asc' } }, 'sort');
        await reject({ page: 0, perPage: 5 }, 'page');
        await reject({ page: 1, perPage: 0 }, 'perPage');
      });
    });

    it('refuses an _id that is not a string', async () => {
      await assert.rejects(
        context.store.dataSave('people', { _id: 42, n: 1 }),
        (error: unknown) => error instanceof DataArgumentError && error.argument === '_id',
      );
    });
  });
}

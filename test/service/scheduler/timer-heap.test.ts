import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerHeap } from '../../../service/scheduler/timer-heap.js';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('TimerHeap', () => {
  it('pops what is due, earliest first, and leaves the rest', () => {
    const heap = new TimerHeap();
    heap.set('c', 30);
    heap.set('a', 10);
    heap.set('b', 20);
    heap.set('d', 40);
    assert.deepEqual(heap.peek(), { name: 'a', time: 10 });
    assert.deepEqual(heap.popDue(30), ['a', 'b', 'c']);
    assert.equal(heap.size, 1);
    assert.deepEqual(heap.popDue(39), []);
    assert.deepEqual(heap.peek(), { name: 'd', time: 40 });
  });

  it('moves an entry when it is set again, earlier or later', () => {
    const heap = new TimerHeap();
    heap.set('a', 10);
    heap.set('b', 20);
    heap.set('c', 30);
    heap.set('c', 5);
    heap.set('a', 25);
    assert.equal(heap.size, 3);
    assert.deepEqual(heap.popDue(100), ['c', 'b', 'a']);
  });

  it('deletes by name and says whether it was there', () => {
    const heap = new TimerHeap();
    heap.set('a', 10);
    heap.set('b', 20);
    assert.equal(heap.delete('a'), true);
    assert.equal(heap.delete('a'), false);
    assert.equal(heap.has('a'), false);
    assert.deepEqual(heap.popDue(100), ['b']);
    assert.equal(heap.peek(), undefined);
  });

  it('agrees with a sorted array over thousands of random sets, moves, deletes and pops', () => {
    const next = random(42);
    const heap = new TimerHeap();
    const model = new Map<string, number>();
    let now = 0;
    for (let step = 0; step < 20_000; step++) {
      const roll = next();
      const name = `job${Math.floor(next() * 300)}`;
      if (roll < 0.6) {
        const time = now + Math.floor(next() * 1000);
        heap.set(name, time);
        model.set(name, time);
      } else if (roll < 0.8) {
        assert.equal(heap.delete(name), model.delete(name));
      } else {
        now += Math.floor(next() * 200);
        const due = [...model].filter(([, time]) => time <= now).sort((a, b) => a[1] - b[1]);
        const popped = heap.popDue(now);
        // Equal times may come out in any order; the times and the set of names must match.
        assert.deepEqual(popped.map((n) => model.get(n)), due.map(([, time]) => time));
        assert.deepEqual([...popped].sort(), due.map(([n]) => n).sort());
        for (const n of popped) model.delete(n);
      }
      assert.equal(heap.size, model.size);
      const earliest = Math.min(...model.values());
      assert.equal(heap.peek()?.time, model.size > 0 ? earliest : undefined);
    }
  });

  it('holds 10,000 jobs with logarithmic work per change', () => {
    const heap = new TimerHeap();
    for (let i = 0; i < 10_000; i++) heap.set(`job${i}`, 1_000_000 + ((i * 7919) % 10_000));
    for (let i = 0; i < 10_000; i++) heap.set(`job${i}`, 2_000_000 - i);
    assert.equal(heap.size, 10_000);
    assert.deepEqual(heap.peek(), { name: 'job9999', time: 1_990_001 });
    assert.deepEqual(heap.popDue(1_000_000), []);
    const all = heap.popDue(Number.MAX_SAFE_INTEGER);
    assert.equal(all.length, 10_000);
    assert.equal(all[0], 'job9999');
    assert.equal(all.at(-1), 'job0');
  });
});

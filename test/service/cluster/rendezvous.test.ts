/** The even share of jobs per live node: the same answer everywhere, few jobs moved on a change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assignJobs, ownerOf } from '../../../service/cluster/rendezvous.js';

const JOBS = Array.from({ length: 1000 }, (_, i) => `job-${i}`);

function loads(owners: Map<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of owners.values()) counts.set(node, (counts.get(node) ?? 0) + 1);
  return counts;
}

describe('spreading jobs over live nodes', () => {
  it('gives every job one owner and no node more than its even share', () => {
    for (const nodes of [['a'], ['a', 'b'], ['a', 'b', 'c'], ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']]) {
      const owners = assignJobs(JOBS, nodes);
      assert.equal(owners.size, JOBS.length);
      for (const count of loads(owners).values()) assert.ok(count <= Math.ceil(JOBS.length / nodes.length));
    }
  });

  it('answers the same whatever order the lists come in', () => {
    const one = assignJobs(JOBS, ['a', 'b', 'c']);
    const other = assignJobs([...JOBS].reverse(), ['c', 'a', 'b']);
    assert.deepEqual([...one].sort(), [...other].sort());
  });

  it('moves few more jobs than it must when a node leaves or joins', () => {
    const three = assignJobs(JOBS, ['a', 'b', 'c']);
    const two = assignJobs(JOBS, ['a', 'b']);
    const moved = JOBS.filter((job) => three.get(job) !== 'c' && three.get(job) !== two.get(job)).length;
    // c's third must move; of the others' jobs only a few may.
    assert.ok(moved < JOBS.length * 0.1, `${moved} of the surviving nodes' jobs moved`);
  });

  it('names no owner when no node is live', () => {
    assert.equal(ownerOf('x', []), null);
    assert.equal(assignJobs(JOBS, []).size, 0);
  });
});

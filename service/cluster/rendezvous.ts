/**
 * Which live node schedules a job: rendezvous (highest random weight) hashing. Every node computes
 * the same answer from the same list of live nodes, and a node that joins or leaves moves only the
 * jobs it wins or held, about 1/N of them.
 */
import { createHash } from 'node:crypto';

function weight(node: string, job: string): bigint {
  return createHash('sha1').update(node).update('\0').update(job).digest().readBigUInt64BE(0);
}

/** The owner of `job` among `nodes`; null when there is no live node. */
export function ownerOf(job: string, nodes: readonly string[]): string | null {
  let best: string | null = null;
  let bestWeight = -1n;
  for (const node of nodes) {
    const w = weight(node, job);
    if (w > bestWeight || (w === bestWeight && best !== null && node < best)) {
      best = node;
      bestWeight = w;
    }
  }
  return best;
}

/**
 * Every active job's owner, spread evenly: rendezvous weights decide, but no node takes more than
 * its even share (ceil(jobs / nodes)), the heaviest pairs first. The same jobs and nodes give the
 * same answer on every node; a join or leave moves few jobs beyond the ones it must.
 */
export function assignJobs(jobs: readonly string[], nodes: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  if (nodes.length === 0) return owners;
  const capacity = Math.ceil(jobs.length / nodes.length);
  const pairs: Array<{ job: string; node: string; w: bigint }> = [];
  for (const job of jobs) for (const node of nodes) pairs.push({ job, node, w: weight(node, job) });
  pairs.sort((x, y) => (x.w === y.w ? (x.node < y.node ? -1 : 1) : x.w > y.w ? -1 : 1));
  const load = new Map<string, number>();
  for (const { job, node } of pairs) {
    if (owners.has(job) || (load.get(node) ?? 0) >= capacity) continue;
    owners.set(job, node);
    load.set(node, (load.get(node) ?? 0) + 1);
  }
  return owners;
}

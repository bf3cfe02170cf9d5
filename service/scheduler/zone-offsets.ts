/**
 * A zone's UTC offset at any instant, cached in buckets of a few days so the period math asks
 * Intl once per bucket instead of once per question, and knows where each offset change falls.
 * Assumes at most one offset change per bucket, true of every zone in use (changes are months
 * apart); the period reference test compares against Intl minute by minute over years.
 */
import { offsetAt } from './time-zone.js';

const BUCKET_MS = 4 * 86_400_000;
/** A bucket map past this size is dropped and rebuilt (a bench asking random years). */
const MAX_BUCKETS = 50_000;

interface Bucket {
  offset: number;
  /** The instant in this bucket from which `after` applies, if the offset changes in it. */
  changeAt: number | null;
  after: number;
}

const zones = new Map<string, Map<number, Bucket>>();

function bucketOf(timeZone: string, index: number): Bucket {
  let buckets = zones.get(timeZone);
  if (buckets === undefined) {
    buckets = new Map();
    zones.set(timeZone, buckets);
  }
  let bucket = buckets.get(index);
  if (bucket !== undefined) return bucket;
  if (buckets.size >= MAX_BUCKETS) buckets.clear();
  const start = index * BUCKET_MS;
  const offset = offsetAt(timeZone, start);
  const after = offsetAt(timeZone, start + BUCKET_MS);
  bucket = { offset, changeAt: offset === after ? null : firstWithOffset(timeZone, start, start + BUCKET_MS, after), after };
  buckets.set(index, bucket);
  return bucket;
}

/** Binary search, to the second, for the first instant in (low, high] that has `offset`. */
function firstWithOffset(timeZone: string, low: number, high: number, offset: number): number {
  let lo = low / 1000;
  let hi = high / 1000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid * 1000) === offset) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** The offset from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
export function zoneOffset(timeZone: string, instant: number): number {
  const bucket = bucketOf(timeZone, Math.floor(instant / BUCKET_MS));
  return bucket.changeAt !== null && instant >= bucket.changeAt ? bucket.after : bucket.offset;
}

/** The first instant in (after, until) at which the zone's offset changes, or null. */
export function nextOffsetChange(timeZone: string, after: number, until: number): number | null {
  const last = Math.floor(until / BUCKET_MS);
  for (let index = Math.floor(after / BUCKET_MS); index <= last; index++) {
    const { changeAt } = bucketOf(timeZone, index);
    if (changeAt !== null && changeAt > after) return changeAt < until ? changeAt : null;
  }
  return null;
}

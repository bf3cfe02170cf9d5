/**
 * When a period is inside (SPEC §12), and when that next changes. Pure and clock-free.
 *
 * Inside-ness is a function of the wall time in the period's zone, so it can change only where
 * the wall time crosses a range's edge, or where the zone's offset changes (a gap may jump over
 * an edge, an overlap replays one). `candidateAfter` finds the next such instant, for the period
 * and everything it excludes; between two candidates nothing changes, so a search steps from one
 * to the next instead of minute by minute. An instant maps to exactly one wall time, so a wall
 * time skipped by a gap is never inside and one repeated by an overlap is inside both times.
 */
import { type CompiledPeriod, type CompiledRange, weekdayOf } from './period-compile.js';
import { nextOffsetChange, zoneOffset } from './zone-offsets.js';

const DAY_MS = 86_400_000;
/** How far a search looks before it answers "never". */
export const SEARCH_HORIZON_MS = 10 * 366 * DAY_MS;

function startsOn(range: CompiledRange, day: number): boolean {
  return (range.weekdays & (1 << weekdayOf(day))) !== 0 || (range.dates.size > 0 && range.dates.has(day));
}

function ownInside(period: CompiledPeriod, instant: number): boolean {
  const wall = instant + zoneOffset(period.timeZone, instant);
  const day = Math.floor(wall / DAY_MS);
  const second = (wall - day * DAY_MS) / 1000;
  for (const range of period.ranges) {
    if (range.crosses) {
      if (second >= range.from && startsOn(range, day)) return true;
      if (second < range.to && startsOn(range, day - 1)) return true;
    } else if (second >= range.from && second < range.to && startsOn(range, day)) {
      return true;
    }
  }
  return false;
}

/** Whether the period is inside at `instant`: some range covers it and no excluded period does. */
export function isInside(period: CompiledPeriod, instant: number): boolean {
  if (!ownInside(period, instant)) return false;
  for (const excluded of period.exclude) if (isInside(excluded, instant)) return false;
  return true;
}

/** The first day >= `day` on which some range starts, or null if none ever does. */
function nextActiveDay(period: CompiledPeriod, day: number): number | null {
  let best: number | null = null;
  if (period.weekdays !== 0) {
    for (let d = day; d < day + 7; d++) {
      if ((period.weekdays & (1 << weekdayOf(d))) !== 0) {
        best = d;
        break;
      }
    }
  }
  const dates = period.dates;
  if (dates.length > 0 && (best === null || dates[0]! < best)) {
    let lo = 0;
    let hi = dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dates[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    if (lo < dates.length && (best === null || dates[lo]! < best)) best = dates[lo]!;
  }
  return best;
}

/** The first range edge after wall time `wall` (wall ms), or Infinity. */
function nextEdgeWall(period: CompiledPeriod, wall: number): number {
  let best = Infinity;
  // A range that started yesterday may end today, so the walk starts a day back.
  let day = nextActiveDay(period, Math.floor(wall / DAY_MS) - 1);
  while (day !== null && day * DAY_MS <= best) {
    const base = day * DAY_MS;
    for (const range of period.ranges) {
      if (!startsOn(range, day)) continue;
      const from = base + range.from * 1000;
      const to = base + range.to * 1000 + (range.crosses ? DAY_MS : 0);
      if (from > wall && from < best) best = from;
      if (to > wall && to < best) best = to;
    }
    day = nextActiveDay(period, day + 1);
  }
  return best;
}

/**
 * The first instant after `after` (and before `until`) at which the period, or one it excludes,
 * may change; `until` if none comes first. Nothing changes in between.
 */
export function candidateAfter(period: CompiledPeriod, after: number, until: number): number {
  const offset = zoneOffset(period.timeZone, after);
  const edge = nextEdgeWall(period, after + offset) - offset;
  let best = Math.min(edge, until);
  const change = nextOffsetChange(period.timeZone, after, best);
  if (change !== null && change < best) best = change;
  for (const excluded of period.exclude) best = Math.min(best, candidateAfter(excluded, after, best));
  return best;
}

/** The first instant >= `from` at which the period is inside (`from` itself if it is), or null. */
export function nextOpening(period: CompiledPeriod, from: number, horizon = SEARCH_HORIZON_MS): number | null {
  return nextWith(period, from, true, from + horizon);
}

/** The first instant >= `from` at which the period is not inside (`from` itself if it is not), or null. */
export function nextClosing(period: CompiledPeriod, from: number, horizon = SEARCH_HORIZON_MS): number | null {
  return nextWith(period, from, false, from + horizon);
}

function nextWith(period: CompiledPeriod, from: number, inside: boolean, until: number): number | null {
  let at = from;
  while (at < until) {
    if (isInside(period, at) === inside) return at;
    at = candidateAfter(period, at, until);
  }
  return null;
}

export interface Interval {
  from: number;
  /** Null when the period never closes within the search horizon. */
  to: number | null;
}

/**
 * The next `n` stretches when the period is inside, from `from` on; one that is open at `from`
 * is given from `from`.
 */
export function openings(period: CompiledPeriod, from: number, n: number, horizon = SEARCH_HORIZON_MS): Interval[] {
  const intervals: Interval[] = [];
  let at = from;
  const until = from + horizon;
  while (intervals.length < n) {
    const open = nextWith(period, at, true, until);
    if (open === null) break;
    const close = nextWith(period, open, false, until);
    intervals.push({ from: open, to: close });
    if (close === null) break;
    at = close;
  }
  return intervals;
}

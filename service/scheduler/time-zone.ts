/**
 * Wall time in an IANA zone, from Intl alone. A "wall" value is the local date and time written
 * as if it were UTC epoch ms (2026-03-29 02:30 local → Date.UTC(2026, 2, 29, 2, 30)), so calendar
 * arithmetic on it is plain UTC arithmetic.
 */

const DAY_MS = 86_400_000;

/** `Intl.DateTimeFormat` construction costs ~100× a format call, so keep one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

// Fixed-width digits: "03/29/2026, 02:30:00" in the en-US pattern with hourCycle h23.
const WALL_PATTERN = /^(\d{2})\/(\d{2})\/(\d{4,}), (\d{2}):(\d{2}):(\d{2})$/;

/** Whether `timeZone` is one Intl knows; its formatter is kept for the wall-clock math. */
export function isKnownZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws RangeError for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(timeZone: string, instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  // format() and a regex are ~3× cheaper than formatToParts().
  const match = WALL_PATTERN.exec(formatterFor(timeZone).format(whole));
  if (!match) throw new Error(`unexpected date format from Intl for zone ${timeZone}`);
  const [, month, day, year, hour, minute, second] = match.map(Number);
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - whole;
}

export function wallAt(timeZone: string, instant: number): number {
  return instant + offsetAt(timeZone, instant);
}

/**
 * Every instant that shows `wall` in the zone, earliest first: none in a spring-forward gap, two in
 * a fall-back overlap, one otherwise.
 *
 * Assumes at most one offset change within a day of `wall`, true of every zone in use today.
 */
export function instantsOfWall(timeZone: string, wall: number): number[] {
  // Every instant showing `wall` lies within ±14 h of it, so offsets a day either side bracket them.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const instants: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (offsetAt(timeZone, instant) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * The first wall time after the offset change near `wall` that is neither skipped nor repeated,
 * so a search can jump past a whole gap or overlap instead of trying each of its seconds; `wall +
 * 1000` when the offset does not change within a day of `wall`. Costs ~20 Intl calls, so callers
 * ask only after `instantsOfWall` turned a wall time down.
 */
export function wallAfterChangeNear(timeZone: string, wall: number): number {
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  if (before === after) return wall + 1000;
  const change = firstInstantWithOffset(timeZone, wall - DAY_MS, wall + DAY_MS, after);
  // After a gap the clock reads change + after; after an overlap it has replayed up to change + before.
  return Math.max(wall + 1000, change + Math.max(before, after));
}

/** Binary search, to the second, for the first instant in (low, high] that has `offset`. */
function firstInstantWithOffset(timeZone: string, low: number, high: number, offset: number): number {
  let lo = Math.floor(low / 1000);
  let hi = Math.ceil(high / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid * 1000) === offset) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

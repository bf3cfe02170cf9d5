/**
 * Cron slots in an IANA zone. Syntax and validation are node-cron 4.6's own (`validateDetailed`,
 * so what the API accepts is exactly what node-cron accepts); the search for the next slot is ours,
 * because node-cron has no "next slot after t" and walks day by day.
 *
 * The search walks the calendar in local wall time (month → day → hour → minute → second) with
 * lookup tables, then converts the wall time to an instant. DST, as SPEC §4 asks:
 * - a slot whose wall time does not exist (spring-forward gap) is skipped;
 * - a slot whose wall time occurs twice (fall-back overlap) runs once, at its first occurrence.
 *   This holds for every slot, so `* * * * *` is quiet while the repeated hour replays.
 */
import { validateDetailed } from 'node-cron';
import { DayMatcher, type DayToken } from './cron-days.js';
import { InvalidCronError, InvalidTimeZoneError } from './cron-errors.js';
import { instantsOfWall, isKnownZone, wallAfterChangeNear, wallAt } from './time-zone.js';

/**
 * The Gregorian calendar repeats every 400 years, so an expression with no slot in that span has
 * none at all (`0 0 1 * 1#5`: the 1st is never a fifth Monday). Rare dates such as Friday 13
 * February, 11 years apart at times, are still found.
 */
const HORIZON_YEARS = 400;

/** Enough for any real zone: each rejected wall time jumps past a whole gap or overlap. */
const MAX_DST_REJECTIONS = 16;

/** Whether node-cron accepts the expression, with its message when it does not. */
export function validateCron(expr: string): { ok: true } | { ok: false; message: string } {
  try {
    const result = validateDetailed(expr);
    if (result.valid) return { ok: true };
    return { ok: false, message: result.errors.map((error) => error.message).join('; ') || 'invalid cron expression' };
  } catch (error) {
    // node-cron's converter can throw on input its validator did not foresee.
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The first slot strictly after `after` (epoch ms), or null if the expression never matches.
 * Throws InvalidCronError or InvalidTimeZoneError (validate at the edge first).
 */
export function nextCronSlot(expr: string, timeZone: string, after: number): number | null {
  const cron = compile(expr);
  if (!isKnownZone(timeZone)) throw new InvalidTimeZoneError(timeZone);
  // Slots fall on whole seconds.
  const earliest = Math.floor(after / 1000) * 1000 + 1000;
  let wall = wallAt(timeZone, earliest);
  for (let rejected = 0; rejected <= MAX_DST_REJECTIONS; rejected++) {
    const candidate = cron.nextWall(wall);
    if (candidate === null) return null;
    const first = instantsOfWall(timeZone, candidate)[0];
    if (first !== undefined && first >= earliest) return first;
    // In a gap, or a repeated wall time whose first occurrence has passed: jump past the change.
    wall = wallAfterChangeNear(timeZone, candidate);
  }
  return null;
}

/**
 * The latest slot in (`from`, `upTo`], or null if there is none: where a job that missed slots
 * since `from` catches up. Binary search over `nextCronSlot`, which is monotone, so the cost is
 * ~log2 of the span in seconds, never one step per missed slot.
 */
export function latestCronSlot(expr: string, timeZone: string, from: number, upTo: number): number | null {
  const first = nextCronSlot(expr, timeZone, from);
  if (first === null || first > upTo) return null;
  // Invariant: a slot lies in (lo, upTo]; none lies in (hi, upTo].
  let lo = first - 1;
  let hi = upTo;
  while (hi - lo > 1000) {
    // Whole-second steps, at least one: the loop ends, and its last window holds a single slot.
    const mid = lo + Math.max(1000, Math.floor((hi - lo) / 2000) * 1000);
    const next = nextCronSlot(expr, timeZone, mid);
    if (next !== null && next <= upTo) lo = mid;
    else hi = mid;
  }
  // (lo, hi] spans at most one second, so it holds exactly one whole-second slot.
  return nextCronSlot(expr, timeZone, lo);
}

/** Parsed expressions, keyed by their text. Bounded: job expressions are few, but input is not. */
const compiled = new Map<string, CompiledCron>();
const COMPILED_LIMIT = 1000;

function compile(expr: string): CompiledCron {
  let cron = compiled.get(expr);
  if (!cron) {
    const result = validateCron(expr);
    if (!result.ok) throw new InvalidCronError(expr, result.message);
    const fields = validateDetailed(expr).fields!;
    cron = new CompiledCron(fields);
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(expr, cron);
  }
  return cron;
}

interface ParsedFields {
  second: number[];
  minute: number[];
  hour: number[];
  dayOfMonth: DayToken[];
  month: number[];
  dayOfWeek: DayToken[];
}

class CompiledCron {
  // next[x] = the smallest allowed value >= x, or -1; one extra slot past the range stands for
  // "carried over" so the walk needs no bounds checks.
  private readonly seconds: Int8Array;
  private readonly minutes: Int8Array;
  private readonly hours: Int8Array;
  private readonly months: Int8Array;
  private readonly days: DayMatcher;

  constructor(fields: ParsedFields) {
    this.seconds = nextAllowed(fields.second, 60);
    this.minutes = nextAllowed(fields.minute, 60);
    this.hours = nextAllowed(fields.hour, 24);
    this.months = nextAllowed(fields.month, 13);
    this.days = new DayMatcher(fields.dayOfMonth, fields.dayOfWeek);
  }

  /** The first wall time >= `wall` that the fields allow, or null past the horizon. */
  nextWall(wall: number): number | null {
    const start = new Date(wall);
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth() + 1;
    let day = start.getUTCDate();
    let hour = start.getUTCHours();
    let minute = start.getUTCMinutes();
    let second = start.getUTCSeconds();
    if (start.getUTCMilliseconds() > 0) second++;
    const lastYear = year + HORIZON_YEARS;

    while (year <= lastYear) {
      const nextMonth = this.months[month]!;
      if (nextMonth !== month) {
        if (nextMonth < 0) year++;
        month = nextMonth < 0 ? 1 : nextMonth;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      const length = daysInMonth(year, month);
      const allowed = this.days.mask(weekdayOfFirst(year, month), length) >>> (day - 1);
      if (day > length || allowed === 0) {
        month++;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      const nextDay = day + lowestBit(allowed);
      if (nextDay !== day) {
        day = nextDay;
        hour = minute = second = 0;
      }
      const nextHour = this.hours[hour]!;
      if (nextHour < 0) {
        day++;
        hour = minute = second = 0;
        continue;
      }
      if (nextHour !== hour) {
        hour = nextHour;
        minute = second = 0;
      }
      const nextMinute = this.minutes[minute]!;
      if (nextMinute < 0) {
        hour++;
        minute = second = 0;
        continue;
      }
      if (nextMinute !== minute) {
        minute = nextMinute;
        second = 0;
      }
      const nextSecond = this.seconds[second]!;
      if (nextSecond < 0) {
        minute++;
        second = 0;
        continue;
      }
      return Date.UTC(year, month - 1, day, hour, minute, nextSecond);
    }
    return null;
  }
}

function nextAllowed(values: readonly number[], size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  const allowed = new Set(values);
  let next = -1;
  for (let value = size - 1; value >= 0; value--) {
    if (allowed.has(value)) next = value;
    table[value] = next;
  }
  return table;
}

const MONTH_LENGTHS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_LENGTHS[month]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** 0 Sunday … 6 Saturday; 1970-01-01 was a Thursday. */
function weekdayOfFirst(year: number, month: number): number {
  const days = Math.floor(Date.UTC(year, month - 1, 1) / 86_400_000);
  return (((days + 4) % 7) + 7) % 7;
}

/** Index of the lowest set bit (x > 0). */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

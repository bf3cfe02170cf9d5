/**
 * Which days of a month a cron expression allows, with node-cron 4.6's rules: day of month AND
 * day of week (so `0 0 13 * 5` is Friday the 13th), plus its tokens `L`, `L-n`, `nW`, `LW` (day of
 * month) and `nL`, `n#k` (day of week).
 *
 * Every rule depends only on the weekday of the 1st and the month's length, so a month's answer
 * is one of 7 × 4 masks, computed once per expression: walking years of months costs a few
 * integer operations each.
 */

/** A value of node-cron's parsed `dayOfMonth` / `dayOfWeek` fields: a number or a token. */
export type DayToken = number | string;

const NEAREST_WEEKDAY = /^(\d{1,2}|L)W$/;
const LAST_MINUS = /^L-(\d{1,2})$/;
const LAST_WEEKDAY = /^([0-7])L$/;
const NTH_WEEKDAY = /^([0-7])#([1-5])$/;

export class DayMatcher {
  private readonly masks: Array<number | undefined> = new Array(7 * 4);

  constructor(
    private readonly dayOfMonth: readonly DayToken[],
    private readonly dayOfWeek: readonly DayToken[],
  ) {}

  /**
   * Bit `d - 1` is set when day `d` is allowed, for a month whose 1st falls on `firstWeekday`
   * (0 Sunday … 6 Saturday) and that has `length` days (28 to 31).
   */
  mask(firstWeekday: number, length: number): number {
    const key = firstWeekday * 4 + (length - 28);
    let mask = this.masks[key];
    if (mask === undefined) {
      mask = 0;
      const month = { firstWeekday, length };
      for (let day = 1; day <= length; day++) {
        if (this.matchesDayOfMonth(day, month) && this.matchesDayOfWeek(day, month)) mask |= 1 << (day - 1);
      }
      this.masks[key] = mask;
    }
    return mask;
  }

  private matchesDayOfMonth(day: number, month: MonthShape): boolean {
    return this.dayOfMonth.some((token) => {
      if (typeof token === 'number') return token === day;
      if (token === 'L') return day === month.length;
      const nearest = NEAREST_WEEKDAY.exec(token);
      if (nearest) return nearestWeekday(nearest[1] === 'L' ? month.length : Number(nearest[1]), month) === day;
      const lastMinus = LAST_MINUS.exec(token);
      if (lastMinus) return month.length - Number(lastMinus[1]) === day;
      return false;
    });
  }

  private matchesDayOfWeek(day: number, month: MonthShape): boolean {
    const weekday = weekdayOf(day, month);
    return this.dayOfWeek.some((token) => {
      if (typeof token === 'number') return token % 7 === weekday;
      const last = LAST_WEEKDAY.exec(token);
      if (last) return Number(last[1]) % 7 === weekday && day + 7 > month.length;
      const nth = NTH_WEEKDAY.exec(token);
      if (nth) return Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2]);
      return false;
    });
  }
}

interface MonthShape {
  firstWeekday: number;
  length: number;
}

function weekdayOf(day: number, month: MonthShape): number {
  return (month.firstWeekday + day - 1) % 7;
}

/** The weekday nearest `target` within the month (node-cron's `W`); -1 if the month is shorter. */
function nearestWeekday(target: number, month: MonthShape): number {
  if (target < 1 || target > month.length) return -1;
  const weekday = weekdayOf(target, month);
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === month.length ? target - 2 : target + 1;
  return target;
}

/**
 * The host side of the job's time helpers. QuickJS has no `Intl`, so the fields for a time zone
 * are computed here and handed to the guest as `"minute,hour,dayNum,dayMonth,monthNum,weekNum"`.
 */

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export interface TimeParts {
  minute: number;
  hour: number;
  /** 1-7, Monday 1. */
  dayNum: number;
  dayMonth: number;
  monthNum: number;
  /** 0-53, week one starting on the year's first Monday (strftime %W). */
  weekNum: number;
}

/** The calendar fields of `epochMs` in `timeZone` (an IANA name; `UTC` for UTC). */
export function timeParts(epochMs: number, timeZone: string): TimeParts {
  const fields: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(epochMs)) fields[part.type] = part.value;
  const year = Number(fields.year);
  const monthNum = Number(fields.month);
  const dayMonth = Number(fields.day);
  const dayNum = WEEKDAYS[fields.weekday ?? ''] ?? 1;
  const yearDay = Math.round((Date.UTC(year, monthNum - 1, dayMonth) - Date.UTC(year, 0, 1)) / DAY_MS);
  return {
    minute: Number(fields.minute),
    hour: Number(fields.hour),
    dayNum,
    dayMonth,
    monthNum,
    weekNum: Math.floor((yearDay + 7 - (dayNum - 1)) / 7),
  };
}

/** The wire form the prelude's `timeParts` splits. */
export function encodeTimeParts(parts: TimeParts): string {
  return `${parts.minute},${parts.hour},${parts.dayNum},${parts.dayMonth},${parts.monthNum},${parts.weekNum}`;
}

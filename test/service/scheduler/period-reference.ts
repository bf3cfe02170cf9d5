/**
 * A brute-force reading of SPEC §12, written apart from the period math: the wall date, weekday
 * and time of an instant come from Intl's own parts as strings, and each range is checked against
 * them as the spec words it. Slow on purpose; the comparison runs it minute by minute.
 */
import type { PeriodDefinition } from '../../../service/scheduler/period-compile.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(timeZone: string, instant: number): { date: string; weekday: string; time: string } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday!.toLowerCase(),
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
  };
}

function dayBefore(date: string): { date: string; weekday: string } {
  const previous = new Date(`${date}T12:00:00Z`);
  previous.setUTCDate(previous.getUTCDate() - 1);
  return {
    date: previous.toISOString().slice(0, 10),
    weekday: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][previous.getUTCDay()]!,
  };
}

const full = (time: string): string => (time.length === 5 ? `${time}:00` : time);

export function referenceInside(definitions: ReadonlyMap<string, PeriodDefinition>, name: string, instant: number, defaultTz = 'UTC'): boolean {
  const period = definitions.get(name)!;
  const now = partsOf(period.timezone ?? defaultTz, instant);
  const yesterday = dayBefore(now.date);
  const covered = period.ranges.some((range) => {
    const from = full(range.from);
    const to = full(range.to);
    const today = range.days.includes(now.date) || range.days.includes(now.weekday);
    if (from < to) return today && now.time >= from && now.time < to;
    const before = range.days.includes(yesterday.date) || range.days.includes(yesterday.weekday);
    return (today && now.time >= from) || (before && now.time < to);
  });
  return covered && !period.exclude.some((other) => referenceInside(definitions, other, instant, defaultTz));
}

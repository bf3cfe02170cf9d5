/**
 * A period as the math wants it: days as numbers, times as seconds, excluded periods linked in.
 * Compiling trusts fields that passed the edge (service/periods/period-input.ts) but still refuses
 * an unknown excluded period and an exclusion loop, because those depend on the other periods.
 */
import type { PeriodSettings } from '../periods/types.js';

const DAY_MS = 86_400_000;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface CompiledRange {
  /** Bit i set: the range starts on weekday i (Monday 0). */
  weekdays: number;
  /** Day numbers (days since 1970-01-01) it starts on, besides its weekdays. */
  dates: ReadonlySet<number>;
  /** Seconds after midnight. */
  from: number;
  /** Seconds after midnight, up to 86400; for a range that crosses midnight, on the next day. */
  to: number;
  crosses: boolean;
}

export interface CompiledPeriod {
  name: string;
  timeZone: string;
  ranges: readonly CompiledRange[];
  /** Every weekday bit any range starts on. */
  weekdays: number;
  /** Every dated day any range starts on, ascending. */
  dates: readonly number[];
  exclude: readonly CompiledPeriod[];
}

/** 422 material: an excluded period that is not there, or periods excluding each other in a loop. */
export class PeriodGraphError extends Error {
  override name = 'PeriodGraphError';
  constructor(
    readonly periodName: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Monday 0 … Sunday 6 for a day number (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** "08:30" or "08:30:15" or "24:00" as seconds after midnight (the edge checked the shape). */
export function secondsOf(time: string): number {
  const [h, m, s] = time.split(':').map(Number);
  return h! * 3600 + m! * 60 + (s ?? 0);
}

/** "2026-12-24" as a day number. */
export function dayNumberOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!) / DAY_MS;
}

export type PeriodDefinition = PeriodSettings & { name: string };

/**
 * Compiles every period of `definitions`, linking excludes. Throws PeriodGraphError for an unknown
 * excluded name or a loop, naming the first period where it shows.
 */
export function compilePeriods(definitions: readonly PeriodDefinition[], defaultTz: string): Map<string, CompiledPeriod> {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const compiled = new Map<string, CompiledPeriod>();
  const visiting = new Set<string>();
  const visit = (definition: PeriodDefinition, path: string[]): CompiledPeriod => {
    const done = compiled.get(definition.name);
    if (done) return done;
    if (visiting.has(definition.name)) {
      const loop = [...path.slice(path.indexOf(definition.name)), definition.name];
      throw new PeriodGraphError(path[0]!, 'exclude', `periods may not exclude themselves: ${loop.join(' → ')}`);
    }
    visiting.add(definition.name);
    const exclude = definition.exclude.map((name) => {
      const target = byName.get(name);
      if (!target) throw new PeriodGraphError(definition.name, 'exclude', `period "${definition.name}" excludes "${name}", which does not exist`);
      return visit(target, [...path, definition.name]);
    });
    visiting.delete(definition.name);
    const period = compileOne(definition, defaultTz, exclude);
    compiled.set(definition.name, period);
    return period;
  };
  for (const definition of definitions) visit(definition, []);
  return compiled;
}

function compileOne(definition: PeriodDefinition, defaultTz: string, exclude: CompiledPeriod[]): CompiledPeriod {
  let weekdays = 0;
  const dates = new Set<number>();
  const ranges = definition.ranges.map((range): CompiledRange => {
    let rangeWeekdays = 0;
    const rangeDates = new Set<number>();
    for (const day of range.days) {
      const weekday = (WEEKDAYS as readonly string[]).indexOf(day);
      if (weekday >= 0) rangeWeekdays |= 1 << weekday;
      else rangeDates.add(dayNumberOf(day));
    }
    weekdays |= rangeWeekdays;
    for (const day of rangeDates) dates.add(day);
    const from = secondsOf(range.from);
    const to = secondsOf(range.to);
    return { weekdays: rangeWeekdays, dates: rangeDates, from, to, crosses: to < from };
  });
  return {
    name: definition.name,
    timeZone: definition.timezone ?? defaultTz,
    ranges,
    weekdays,
    dates: [...dates].sort((a, b) => a - b),
    exclude,
  };
}

/**
 * The dynamic placeholders of job parameters (SPEC §13): `{{now}}`, `{{date}}`, `{{date:FORMAT}}`,
 * each with an optional offset (`{{date-1d:YYYY-MM-DD}}`, `{{now+2h}}`). Pure: the instant and the
 * zone are arguments, so a fake clock drives them.
 *
 * Days and weeks move the calendar date in the zone and keep the wall time, so "yesterday" is
 * yesterday across a DST change (24 hours before 00:30 on the day after a spring-forward is still
 * the day before the change); minutes and hours move the instant.
 */

/** Any `{{…}}` in a string value; what is inside must be one of the forms below. */
export const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FORM = /^\s*(now|date)(?:([+-])(\d{1,5})([mhdw]))?(?::([^{}]+))?\s*$/;
const TOKENS = /YYYY|MM|DD|HH|mm|ss/g;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface Placeholder {
  kind: 'now' | 'date';
  /** Signed amount and unit, or null. */
  offset: { amount: number; unit: 'm' | 'h' | 'd' | 'w' } | null;
  format: string;
}

/** Parses what sits between the braces; null when it is no placeholder this service knows. */
export function parsePlaceholder(inner: string): Placeholder | null {
  const match = FORM.exec(inner);
  if (!match) return null;
  const kind = match[1] as Placeholder['kind'];
  const format = match[5];
  if (kind === 'now' && format !== undefined) return null;
  const offset = match[4] === undefined ? null : { amount: Number(match[3]) * (match[2] === '-' ? -1 : 1), unit: match[4] as 'm' | 'h' | 'd' | 'w' };
  return { kind, offset, format: format ?? 'YYYY-MM-DD' };
}

/** The first placeholder in `text` this service does not know, or null. */
export function unknownPlaceholder(text: string): string | null {
  for (const match of text.matchAll(PLACEHOLDER)) if (parsePlaceholder(match[1]!) === null) return match[0];
  return null;
}

/** `text` with every placeholder replaced; throws UnknownPlaceholderError for one it does not know. */
export function resolveDates(text: string, now: number, zone: string): string {
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    const placeholder = parsePlaceholder(inner);
    if (placeholder === null) throw new UnknownPlaceholderError(whole);
    const at = shifted(now, placeholder.offset, zone);
    return placeholder.kind === 'now' ? new Date(at).toISOString() : format(wallFields(at, zone), placeholder.format);
  });
}

export class UnknownPlaceholderError extends Error {
  override name = 'UnknownPlaceholderError';
  constructor(readonly placeholder: string) {
    super(`unknown placeholder ${placeholder} (use {{now}}, {{date}} or {{date:YYYY-MM-DD}}, with an offset such as -1d or +2h in m, h, d or w)`);
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of `at` in `zone`. */
export function wallFields(at: number, zone: string): Wall {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

function wallAsUtc(wall: Wall): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

function shifted(now: number, offset: Placeholder['offset'], zone: string): number {
  if (offset === null) return now;
  if (offset.unit === 'm' || offset.unit === 'h') return now + offset.amount * (offset.unit === 'm' ? MINUTE_MS : 60 * MINUTE_MS);
  const days = offset.amount * (offset.unit === 'w' ? 7 : 1);
  const wall = wallFields(now, zone);
  const target = wallAsUtc(wall) + days * DAY_MS + (now % 1000);
  // The instant that shows this wall time: the zone's offset taken twice, at the guess and again
  // at the instant it gives (a wall time inside a spring-forward gap lands just after it).
  const first = target - (wallAsUtc(wallFields(target, zone)) - Math.floor(target / 1000) * 1000);
  return target - (wallAsUtc(wallFields(first, zone)) - Math.floor(first / 1000) * 1000);
}

function format(wall: Wall, pattern: string): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const values: Record<string, string> = {
    YYYY: pad(wall.year, 4),
    MM: pad(wall.month),
    DD: pad(wall.day),
    HH: pad(wall.hour),
    mm: pad(wall.minute),
    ss: pad(wall.second),
  };
  return pattern.replace(TOKENS, (token) => values[token]!);
}

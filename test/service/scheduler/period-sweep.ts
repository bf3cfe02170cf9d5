/**
 * The period math against the reference, minute by minute over a stretch of time: inside at every
 * minute, and the next opening and closing from every minute (found by scanning the reference's
 * minutes forward). Shared by the test (sampled days) and the bench (the whole three years).
 */
import { compilePeriods } from '../../../service/scheduler/period-compile.js';
import { isInside, nextClosing, nextOpening } from '../../../service/scheduler/period-math.js';
import { periodsFor } from './period-cases.js';
import { referenceInside } from './period-reference.js';

const MINUTE = 60_000;

export interface SweepResult {
  minutes: number;
  differences: string[];
}

/** Compares over [from, until) at every minute; openings and closings are checked when the reference sees one before `until`. */
export function sweep(timeZone: string, from: number, until: number, result: SweepResult = { minutes: 0, differences: [] }): SweepResult {
  const definitions = periodsFor(timeZone);
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const period = compilePeriods(definitions, 'UTC').get('busy')!;
  const count = Math.round((until - from) / MINUTE);
  const expected: boolean[] = [];
  for (let i = 0; i < count; i++) expected.push(referenceInside(byName, 'busy', from + i * MINUTE));
  // Walking backwards, the next minute at or after i where the reference turns inside / outside.
  let nextIn: number | null = null;
  let nextOut: number | null = null;
  const note = (text: string): void => {
    if (result.differences.length < 20) result.differences.push(`${timeZone}: ${text}`);
    else result.differences.length++;
  };
  for (let i = count - 1; i >= 0; i--) {
    const at = from + i * MINUTE;
    if (expected[i]) nextIn = at;
    else nextOut = at;
    result.minutes++;
    if (isInside(period, at) !== expected[i]) note(`inside at ${new Date(at).toISOString()} should be ${expected[i]}`);
    check('opening', nextOpening(period, at, until - at), nextIn, at);
    check('closing', nextClosing(period, at, until - at), nextOut, at);
  }
  function check(what: string, ours: number | null, theirs: number | null, at: number): void {
    if (ours !== theirs) note(`next ${what} from ${new Date(at).toISOString()}: ${iso(ours)}, reference ${iso(theirs)}`);
  }
  return result;
}

const iso = (t: number | null): string => (t === null ? 'none' : new Date(t).toISOString());

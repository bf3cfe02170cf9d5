/**
 * The period math against a brute-force reference of SPEC §12, minute by minute. In CI the sweep
 * covers the days around every offset change of four zones over 2017–2019 plus a fixed sample of
 * ordinary days; `npm run bench periods-sweep` (or QUICKJOBS_PERIOD_SWEEP=full here) compares the
 * whole three years.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePeriods, PeriodGraphError, type PeriodDefinition } from '../../../service/scheduler/period-compile.js';
import { isInside, nextClosing, nextOpening, openings } from '../../../service/scheduler/period-math.js';
import { nextOffsetChange } from '../../../service/scheduler/zone-offsets.js';
import { SWEEP_FROM, SWEEP_UNTIL, ZONES } from './period-cases.js';
import { sweep, type SweepResult } from './period-sweep.js';

const DAY = 86_400_000;
const FULL = process.env.QUICKJOBS_PERIOD_SWEEP === 'full';

/** Day windows to compare: two days either side of each offset change, and ordinary days spread over the years. */
function windows(timeZone: string): Array<[number, number]> {
  if (FULL) return [[SWEEP_FROM, SWEEP_UNTIL]];
  const days: Array<[number, number]> = [];
  for (let at = SWEEP_FROM; ; ) {
    const change = nextOffsetChange(timeZone, at, SWEEP_UNTIL);
    if (change === null) break;
    const day = Math.floor(change / DAY) * DAY;
    days.push([day - 2 * DAY, day + 2 * DAY]);
    at = change;
  }
  // Fixed, spread-out days: every 97th day meets each weekday and month over the years.
  for (let day = SWEEP_FROM + 3 * DAY; day < SWEEP_UNTIL; day += 97 * DAY) days.push([day, day + DAY]);
  // The dated ranges, the holidays and New Year's Eve crossing into 2018.
  for (const date of ['2018-03-25', '2018-11-04', '2017-10-15', '2019-04-07', '2018-02-17', '2017-12-25', '2018-05-01', '2017-12-31']) {
    const day = Date.parse(`${date}T00:00:00Z`);
    days.push([day - DAY, day + 2 * DAY]);
  }
  return days;
}

describe('period math against the reference', () => {
  for (const timeZone of ZONES) {
    it(`agrees in ${timeZone}, minute by minute, on inside, next opening and next closing`, () => {
      const result: SweepResult = { minutes: 0, differences: [] };
      for (const [from, until] of windows(timeZone)) sweep(timeZone, from, until, result);
      assert.ok(result.minutes > (FULL ? 1_500_000 : 10_000), `compared only ${result.minutes} minutes`);
      assert.deepEqual(result.differences, []);
    });
  }
});

const period = (name: string, fields: Partial<PeriodDefinition> = {}): PeriodDefinition => ({
  name,
  description: '',
  timezone: 'Europe/Berlin',
  ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
  exclude: [],
  ...fields,
});

describe('a period in words', () => {
  const compiled = compilePeriods(
    [
      period('workhours', { exclude: ['holidays'] }),
      period('holidays', { ranges: [{ days: ['2026-12-24', '2026-12-25'], from: '00:00', to: '24:00' }] }),
      period('night', { ranges: [{ days: ['sat'], from: '22:00', to: '02:00' }] }),
      period('gap', { ranges: [{ days: ['2026-03-29'], from: '02:15', to: '02:45' }] }),
      period('overlap', { ranges: [{ days: ['2026-10-25'], from: '02:15', to: '02:45' }] }),
    ],
    'UTC',
  );
  const get = (name: string) => compiled.get(name)!;

  it('is inside on a working day at 08:00 Berlin time and outside at 18:00', () => {
    assert.equal(isInside(get('workhours'), Date.parse('2026-12-02T07:00:00Z')), true);
    assert.equal(isInside(get('workhours'), Date.parse('2026-12-02T06:59:59Z')), false);
    assert.equal(isInside(get('workhours'), Date.parse('2026-12-02T17:00:00Z')), false);
  });

  it('takes the excluded holidays out, and opens again on the next working day', () => {
    assert.equal(isInside(get('workhours'), Date.parse('2026-12-24T10:00:00Z')), false);
    assert.equal(nextOpening(get('workhours'), Date.parse('2026-12-23T17:00:00Z')), Date.parse('2026-12-28T07:00:00Z'));
  });

  it('crosses midnight into the next day', () => {
    assert.deepEqual(openings(get('night'), Date.parse('2026-12-01T00:00:00Z'), 1), [
      { from: Date.parse('2026-12-05T21:00:00Z'), to: Date.parse('2026-12-06T01:00:00Z') },
    ]);
  });

  it('is never inside for wall times a DST gap skips', () => {
    assert.equal(nextOpening(get('gap'), Date.parse('2026-03-28T00:00:00Z')), null);
  });

  it('is inside both times for wall times a DST overlap repeats', () => {
    const inside = openings(get('overlap'), Date.parse('2026-10-24T00:00:00Z'), 5);
    assert.deepEqual(inside.map((i) => [new Date(i.from).toISOString(), new Date(i.to!).toISOString()]), [
      ['2026-10-25T00:15:00.000Z', '2026-10-25T00:45:00.000Z'],
      ['2026-10-25T01:15:00.000Z', '2026-10-25T01:45:00.000Z'],
    ]);
  });

  it('closes where it is already closed, and opens where it is already open', () => {
    const at = Date.parse('2026-12-02T10:00:00Z');
    assert.equal(nextOpening(get('workhours'), at), at);
    assert.equal(nextClosing(get('workhours'), at), Date.parse('2026-12-02T17:00:00Z'));
  });
});

describe('compiling periods', () => {
  it('refuses a period that excludes itself', () => {
    assert.throws(() => compilePeriods([period('a', { exclude: ['a'] })], 'UTC'), (e: unknown) => e instanceof PeriodGraphError && /a → a/.test(e.message));
  });

  it('refuses a loop through other periods, naming it', () => {
    const loop = [period('a', { exclude: ['b'] }), period('b', { exclude: ['c'] }), period('c', { exclude: ['a'] })];
    assert.throws(() => compilePeriods(loop, 'UTC'), (e: unknown) => e instanceof PeriodGraphError && /a → b → c → a/.test(e.message));
  });

  it('refuses an excluded period that does not exist', () => {
    assert.throws(() => compilePeriods([period('a', { exclude: ['nope'] })], 'UTC'), (e: unknown) => e instanceof PeriodGraphError && e.periodName === 'a');
  });
});

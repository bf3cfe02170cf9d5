import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidCronError, InvalidTimeZoneError } from '../../../service/scheduler/cron-errors.js';
import { isValidTimeZone } from '../../../service/jobs/job-input.js';
import { latestCronSlot, nextCronSlot, validateCron } from '../../../service/scheduler/cron.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** The next `count` slots after `from`, as ISO strings. */
function slots(expr: string, timeZone: string, from: string, count: number): Array<string | null> {
  const out: Array<string | null> = [];
  let after: number | null = at(from);
  for (let i = 0; i < count && after !== null; i++) {
    after = nextCronSlot(expr, timeZone, after);
    out.push(iso(after));
  }
  return out;
}

describe('nextCronSlot', () => {
  it('gives the next minute, strictly after the given time', () => {
    assert.deepEqual(slots('* * * * *', 'UTC', '2026-01-01T00:00:30.000Z', 2), ['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
    assert.equal(iso(nextCronSlot('* * * * *', 'UTC', at('2026-01-01T00:01:00.000Z'))), '2026-01-01T00:02:00.000Z');
    assert.equal(iso(nextCronSlot('* * * * *', 'UTC', at('2026-01-01T00:00:59.999Z'))), '2026-01-01T00:01:00.000Z');
  });

  it('reads six fields as seconds first', () => {
    assert.deepEqual(slots('*/10 * * * * *', 'UTC', '2026-01-01T00:00:55.000Z', 3), [
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:01:10.000Z',
      '2026-01-01T00:01:20.000Z',
    ]);
  });

  it('runs weekdays at 03:00 Berlin time, an hour earlier in UTC in summer than in winter', () => {
    // Friday 9 January 2026 → Friday's slot has passed, Monday is next.
    assert.deepEqual(slots('0 3 * * mon-fri', 'Europe/Berlin', '2026-01-09T12:00:00Z', 2), [
      '2026-01-12T02:00:00.000Z',
      '2026-01-13T02:00:00.000Z',
    ]);
    assert.deepEqual(slots('0 3 * * 1-5', 'Europe/Berlin', '2026-07-03T12:00:00Z', 1), ['2026-07-06T01:00:00.000Z']);
  });

  it('reads month and weekday names, ranges, steps and lists', () => {
    assert.deepEqual(slots('0 9 * jan,JUL monday', 'UTC', '2026-01-27T00:00:00Z', 3), [
      '2026-07-06T09:00:00.000Z',
      '2026-07-13T09:00:00.000Z',
      '2026-07-20T09:00:00.000Z',
    ]);
    assert.deepEqual(slots('1-5/2,30 10 * * *', 'UTC', '2026-01-01T10:02:00Z', 3), [
      '2026-01-01T10:03:00.000Z',
      '2026-01-01T10:05:00.000Z',
      '2026-01-01T10:30:00.000Z',
    ]);
    // 7 is Sunday too; a wrapping range Fri-Mon as node-cron expands it.
    assert.deepEqual(slots('0 0 * * 7', 'UTC', '2026-01-01T00:00:00Z', 1), ['2026-01-04T00:00:00.000Z']);
    assert.deepEqual(slots('0 0 * * 5-1', 'UTC', '2026-01-01T00:00:00Z', 5), [
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
      '2026-01-09T00:00:00.000Z',
    ]);
  });

  it('needs both day of month and day of week, as node-cron does (Friday the 13th)', () => {
    assert.deepEqual(slots('0 0 13 * 5', 'UTC', '2026-03-14T00:00:00Z', 2), ['2026-11-13T00:00:00.000Z', '2027-08-13T00:00:00.000Z']);
  });

  it('knows the last day of the month, leap years included', () => {
    assert.deepEqual(slots('0 0 L * *', 'UTC', '2028-01-31T00:00:00Z', 3), [
      '2028-02-29T00:00:00.000Z',
      '2028-03-31T00:00:00.000Z',
      '2028-04-30T00:00:00.000Z',
    ]);
    assert.deepEqual(slots('0 0 L-1 2 *', 'UTC', '2026-01-01T00:00:00Z', 1), ['2026-02-27T00:00:00.000Z']);
  });

  it('finds rare dates years away and gives null for dates that never come', () => {
    assert.deepEqual(slots('0 0 13 2 fri', 'UTC', '2026-03-01T00:00:00Z', 2), ['2032-02-13T00:00:00.000Z', '2037-02-13T00:00:00.000Z']);
    assert.deepEqual(slots('0 0 29 2 *', 'UTC', '2096-03-01T00:00:00Z', 1), ['2104-02-29T00:00:00.000Z']);
    // The 1st of a month is never its fifth Monday.
    assert.equal(nextCronSlot('0 0 1 * 1#5', 'UTC', at('2026-01-01T00:00:00Z')), null);
  });

  it('throws typed errors for an expression or zone that was not validated', () => {
    assert.throws(() => nextCronSlot('61 * * * *', 'UTC', 0), (error: unknown) => error instanceof InvalidCronError && error.expression === '61 * * * *');
    assert.throws(() => nextCronSlot('* * * * *', 'Mars/Olympus', 0), (error: unknown) => error instanceof InvalidTimeZoneError && error.timeZone === 'Mars/Olympus');
  });

  it('costs little even for a yearly expression', () => {
    // A generous bound: a calendar walk takes microseconds; minute-by-minute scanning would take seconds.
    const started = performance.now();
    let after = at('2026-01-01T00:00:00Z');
    for (let i = 0; i < 200; i++) after = nextCronSlot('0 0 1 1 *', 'Europe/Berlin', after)!;
    assert.equal(iso(after), '2225-12-31T23:00:00.000Z');
    assert.ok(performance.now() - started < 2000);
  });
});

describe('nextCronSlot across daylight saving time', () => {
  it('skips a Berlin slot whose wall time does not exist (02:30 on 29 March 2026)', () => {
    assert.deepEqual(slots('30 2 * * *', 'Europe/Berlin', '2026-03-28T01:30:00Z', 2), ['2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('runs a Berlin slot whose wall time occurs twice once, at its first occurrence (02:30 on 25 October 2026)', () => {
    // 00:30Z is 02:30 CEST; 01:30Z, 02:30 CET, is the same wall time again and is not a slot.
    assert.deepEqual(slots('30 2 * * *', 'Europe/Berlin', '2026-10-24T00:30:00Z', 2), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('keeps sub-hourly slots outside the gap and does not repeat them in the overlap', () => {
    assert.deepEqual(slots('*/30 * * * *', 'Europe/Berlin', '2026-03-29T00:15:00Z', 3), [
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:00 and 02:30 did not exist
      '2026-03-29T01:30:00.000Z',
    ]);
    assert.deepEqual(slots('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:45:00Z', 4), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET: 02:00 and 02:30 CET were slots already
      '2026-10-25T02:30:00.000Z',
    ]);
  });

  it('does not replay a slot when asked from inside the repeated hour', () => {
    // 01:10Z is 02:10 CET, the second pass; 02:30 wall time already ran at 00:30Z.
    assert.equal(iso(nextCronSlot('30 2 * * *', 'Europe/Berlin', at('2026-10-25T01:10:00Z'))), '2026-10-26T01:30:00.000Z');
    assert.equal(iso(nextCronSlot('* * * * * *', 'Europe/Berlin', at('2026-10-25T01:10:00Z'))), '2026-10-25T02:00:00.000Z');
  });

  it('follows New York: skips 02:30 on 8 March 2026 and runs 01:30 on 1 November 2026 once', () => {
    assert.deepEqual(slots('30 2 * * *', 'America/New_York', '2026-03-07T07:30:00Z', 2), ['2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z']);
    assert.deepEqual(slots('30 1 * * *', 'America/New_York', '2026-10-31T05:30:00Z', 2), ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });
});

describe('latestCronSlot', () => {
  it('finds the latest slot up to a time without stepping through every missed slot', () => {
    const from = at('2026-01-01T00:00:00Z');
    assert.equal(iso(latestCronSlot('*/10 * * * * *', 'UTC', from, at('2026-03-01T07:00:15.5Z'))), '2026-03-01T07:00:10.000Z');
    assert.equal(iso(latestCronSlot('0 3 * * *', 'Europe/Berlin', from, at('2026-06-10T01:00:00Z'))), '2026-06-10T01:00:00.000Z');
    assert.equal(iso(latestCronSlot('0 3 * * *', 'Europe/Berlin', from, at('2026-06-10T00:59:59Z'))), '2026-06-09T01:00:00.000Z');
  });

  it('gives null when no slot lies between', () => {
    assert.equal(latestCronSlot('0 0 1 * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-31T00:00:00Z')), null);
  });
});

describe('validateCron', () => {
  it('accepts what node-cron accepts', () => {
    for (const expr of ['* * * * *', '*/10 * * * * *', '0 0 L * *', '@daily', '0 0 15W * *', '0 0 * * 5L', '0 0 * * 1#2', '0 9 * jan mon']) {
      assert.deepEqual(validateCron(expr), { ok: true }, expr);
    }
  });

  it("rejects with node-cron's message", () => {
    assert.deepEqual(validateCron('61 * * * *'), { ok: false, message: '61 is a invalid expression for minute' });
    assert.deepEqual(validateCron('foo'), { ok: false, message: 'expected 5 or 6 fields but got 1' });
    assert.deepEqual(validateCron('0 0 30 2 *'), { ok: false, message: '30 2 is an impossible day of month for the given month' });
    assert.equal(validateCron('0 0 * * L').ok, false);
  });
});

describe('isValidTimeZone', () => {
  it('knows IANA names and UTC, and refuses the rest', () => {
    assert.equal(isValidTimeZone('Europe/Berlin'), true);
    assert.equal(isValidTimeZone('UTC'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(isValidTimeZone(''), false);
  });
});

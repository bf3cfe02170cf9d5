import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { timeParts } from '../../sandbox/guest/time-parts.js';
import { SandboxPool } from '../../sandbox/pool.js';
import { job, request } from './request.js';

describe('timeParts', () => {
  it('reads the calendar fields in UTC', () => {
    // Tuesday 31 December 2024, 23:45 UTC: week 53 by %W.
    assert.deepEqual(timeParts(Date.UTC(2024, 11, 31, 23, 45), 'UTC'), { minute: 45, hour: 23, dayNum: 2, dayMonth: 31, monthNum: 12, weekNum: 53 });
  });

  it('reads them in a zone, across the date line of that zone', () => {
    // The same instant is already Wednesday 1 January 2025, 12:45 in Auckland (UTC+13 in summer).
    assert.deepEqual(timeParts(Date.UTC(2024, 11, 31, 23, 45), 'Pacific/Auckland'), { minute: 45, hour: 12, dayNum: 3, dayMonth: 1, monthNum: 1, weekNum: 0 });
  });

  it('counts weeks from the first Monday, like strftime %W', () => {
    const week = (y: number, m: number, d: number) => timeParts(Date.UTC(y, m - 1, d, 12), 'UTC').weekNum;
    assert.equal(week(2023, 1, 1), 0); // a Sunday before the first Monday
    assert.equal(week(2024, 1, 1), 1); // the year starts on a Monday
    assert.equal(week(2021, 1, 3), 0);
    assert.equal(week(2021, 1, 4), 1);
    assert.equal(week(2025, 6, 15), 23);
  });

  it('numbers Sunday 7 and Monday 1', () => {
    assert.equal(timeParts(Date.UTC(2025, 5, 15, 12), 'UTC').dayNum, 7);
    assert.equal(timeParts(Date.UTC(2025, 5, 16, 12), 'UTC').dayNum, 1);
  });
});

describe('the job time helpers', () => {
  let pool: SandboxPool;
  before(async () => {
    pool = await SandboxPool.create({ workers: 1 });
  });
  after(() => pool.dispose());

  const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const expected = (epochMs: number, zone: string): string => {
    const t = timeParts(epochMs, zone);
    return [t.minute, t.hour, DAYS[t.dayNum - 1], t.dayNum, t.dayMonth, t.weekNum, MONTHS[t.monthNum - 1], t.monthNum].join(' ');
  };

  // Kathmandu is UTC+5:45, so its minute and hour differ from UTC's at every instant.
  for (const [label, localTime, zone] of [
    ['UTC by default', '', 'UTC'],
    ['UTC when localTime is false', 'false', 'UTC'],
    ['the service zone when localTime is true', 'true', 'Asia/Kathmandu'],
  ] as const) {
    it(`answers in ${label}`, async () => {
      const helpers = ['minute', 'hour', 'day', 'dayNum', 'dayMonth', 'weekNum', 'month', 'monthNum'];
      const before = Date.now();
      const outcome = await pool.run(
        request(job(`core.log(${helpers.map((name) => `job.${name}(${localTime})`).join(', ')});\nreturn job.OK;`), { timeZone: 'Asia/Kathmandu' }),
      );
      const after = Date.now();
      // The run happened between the two readings; a minute may have turned in between.
      assert.ok([expected(before, zone), expected(after, zone)].includes(outcome.logs[0]?.message ?? ''), JSON.stringify(outcome));
    });
  }
});

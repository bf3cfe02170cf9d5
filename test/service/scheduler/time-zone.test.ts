import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantsOfWall, offsetAt, wallAfterChangeNear, wallAt } from '../../../service/scheduler/time-zone.js';

const wall = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
const isoList = (times: number[]): string[] => times.map((t) => new Date(t).toISOString());

describe('time zone wall time', () => {
  it('reads offsets and wall times in winter and summer', () => {
    assert.equal(offsetAt('Europe/Berlin', Date.parse('2026-01-15T12:00:00Z')), 3_600_000);
    assert.equal(offsetAt('Europe/Berlin', Date.parse('2026-07-15T12:00:00Z')), 7_200_000);
    assert.equal(offsetAt('America/New_York', Date.parse('2026-01-15T12:00:00Z')), -5 * 3_600_000);
    assert.equal(offsetAt('Asia/Kolkata', Date.parse('2026-01-15T12:00:00Z')), 5.5 * 3_600_000);
    assert.equal(wallAt('Europe/Berlin', Date.parse('2026-07-15T12:00:00.250Z')), wall(2026, 7, 15, 14) + 250);
  });

  it('finds one instant for an ordinary wall time, none in a gap and two in an overlap', () => {
    assert.deepEqual(isoList(instantsOfWall('Europe/Berlin', wall(2026, 3, 29, 12))), ['2026-03-29T10:00:00.000Z']);
    assert.deepEqual(instantsOfWall('Europe/Berlin', wall(2026, 3, 29, 2, 30)), []);
    assert.deepEqual(isoList(instantsOfWall('Europe/Berlin', wall(2026, 10, 25, 2, 30))), ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('names the first wall time past a gap or an overlap', () => {
    assert.equal(wallAfterChangeNear('Europe/Berlin', wall(2026, 3, 29, 2, 30)), wall(2026, 3, 29, 3));
    assert.equal(wallAfterChangeNear('Europe/Berlin', wall(2026, 10, 25, 2, 30)), wall(2026, 10, 25, 3));
    assert.equal(wallAfterChangeNear('America/New_York', wall(2026, 11, 1, 1, 15)), wall(2026, 11, 1, 2));
    assert.equal(wallAfterChangeNear('UTC', wall(2026, 3, 29, 2, 30)), wall(2026, 3, 29, 2, 30) + 1000);
  });
});

/**
 * Our slot search against node-cron's own matcher: every slot we give must match, and no time
 * between two of our slots may. Day tokens are checked day by day over four years, time fields
 * minute by minute over a few days.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTask, type ScheduledTask } from 'node-cron';
import { nextCronSlot } from '../../../service/scheduler/cron.js';

const tasks: ScheduledTask[] = [];
after(async () => {
  for (const task of tasks) await task.destroy();
});

function matcher(expr: string, timeZone: string): (time: number) => boolean {
  const task = createTask(expr, () => undefined, { timezone: timeZone });
  tasks.push(task);
  return (time) => task.match(new Date(time));
}

/** Our slots in [from, until) next to node-cron's matches at every `step` ms in that range. */
function compare(expr: string, timeZone: string, from: number, until: number, step: number): void {
  const matches = matcher(expr, timeZone);
  const expected: number[] = [];
  for (let time = from; time < until; time += step) if (matches(time)) expected.push(time);
  const ours: number[] = [];
  for (let slot = nextCronSlot(expr, timeZone, from - 1); slot !== null && slot < until; slot = nextCronSlot(expr, timeZone, slot)) {
    ours.push(slot);
  }
  assert.deepEqual(ours.map(isoOf), expected.map(isoOf), expr);
}

const isoOf = (time: number): string => new Date(time).toISOString();

describe('slots agree with node-cron', () => {
  it('for day-of-month and day-of-week tokens, day by day over four years', () => {
    const from = Date.UTC(2026, 0, 1);
    const until = Date.UTC(2030, 0, 1);
    for (const expr of [
      '0 0 L * *',
      '0 0 L-3 * *',
      '0 0 LW * *',
      '0 0 15W * *',
      '0 0 1W * *',
      '0 0 31W * *',
      '0 0 * * 5L',
      '0 0 * * 1#2',
      '0 0 * * 7#1',
      '0 0 13 * 5',
      '0 0 31 * *',
      '0 0 29 2 *',
      '0 0 1,15 jan-mar,oct sat,sun',
      '0 0 */10 * *',
    ]) {
      compare(expr, 'UTC', from, until, 86_400_000);
    }
  });

  it('for time fields, minute by minute over three days in a zone', () => {
    const from = Date.UTC(2026, 5, 1);
    const until = Date.UTC(2026, 5, 4);
    for (const expr of ['*/7 9-17 * * mon-fri', '5,35 */3 * * *', '0-10/5 22-2 * * *', '@hourly']) {
      compare(expr, 'Asia/Kolkata', from, until, 60_000);
    }
  });
});

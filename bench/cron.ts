/**
 * What a next-slot computation costs. Run alone: `node --import tsx bench/cron.ts`.
 * Each expression is asked for a chain of consecutive slots (the tick loop's pattern), after a
 * warm-up so the parse cache and the JIT are settled.
 */
import { latestCronSlot, nextCronSlot } from '../service/scheduler/cron.js';
import { TimerHeap } from '../service/scheduler/timer-heap.js';

const START = Date.UTC(2026, 0, 1);

function perCall(calls: number, body: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) body();
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

function chain(expr: string, timeZone: string, calls: number): number {
  let after = START;
  return perCall(calls, () => {
    after = nextCronSlot(expr, timeZone, after) ?? START;
  });
}

const cases: Array<[label: string, expr: string, timeZone: string, calls: number]> = [
  ['every minute', '* * * * *', 'UTC', 20_000],
  ['every 10 s', '*/10 * * * * *', 'Europe/Berlin', 20_000],
  ['weekdays 03:00', '0 3 * * 1-5', 'Europe/Berlin', 20_000],
  ['daily 02:30 (DST days)', '30 2 * * *', 'America/New_York', 5_000],
  ['Friday the 13th', '0 0 13 * 5', 'UTC', 2_000],
  ['last day of month', '0 0 L * *', 'Asia/Tokyo', 5_000],
  ['yearly', '0 0 1 1 *', 'Europe/Berlin', 2_000],
  ['never (1st as 5th Monday)', '0 0 1 * 1#5', 'UTC', 200],
];

console.log('nextCronSlot, µs per call');
for (const [label, expr, timeZone, calls] of cases) {
  chain(expr, timeZone, Math.min(calls, 1000)); // warm-up
  console.log(`  ${label.padEnd(28)} ${expr.padEnd(16)} ${timeZone.padEnd(18)} ${chain(expr, timeZone, calls).toFixed(2)}`);
}

// Every second through the Berlin spring-forward day: the walk meets the gap once.
const dstDay = Date.UTC(2026, 2, 28, 12);
let afterDst = dstDay;
const dstCost = perCall(86_400, () => {
  afterDst = nextCronSlot('* * * * * *', 'Europe/Berlin', afterDst)!;
});
console.log(`  ${'every second, DST day'.padEnd(28)} ${'* * * * * *'.padEnd(16)} ${'Europe/Berlin'.padEnd(18)} ${dstCost.toFixed(2)}`);

const threeYears = START + 3 * 365 * 86_400_000;
console.log('latestCronSlot (catch-up after 3 years down), µs per call');
for (const expr of ['* * * * * *', '*/5 * * * *', '0 3 * * 1-5']) {
  latestCronSlot(expr, 'Europe/Berlin', START, threeYears);
  const cost = perCall(200, () => latestCronSlot(expr, 'Europe/Berlin', START, threeYears));
  console.log(`  ${expr.padEnd(16)} ${cost.toFixed(1)}`);
}

const heap = new TimerHeap();
const jobs = 10_000;
const insert = perCall(jobs, () => heap.set(`job${heap.size}`, START + Math.floor(Math.random() * 86_400_000)));
let moved = 0;
const move = perCall(jobs, () => heap.set(`job${moved++ % jobs}`, START + Math.floor(Math.random() * 86_400_000)));
const pop = perCall(jobs, () => heap.popDue(Number.MAX_SAFE_INTEGER).length === 0 || undefined);
console.log(`TimerHeap with ${jobs} jobs, µs per op: set ${insert.toFixed(2)}, move ${move.toFixed(2)}, popDue(all) once ${(pop * jobs).toFixed(0)} total`);

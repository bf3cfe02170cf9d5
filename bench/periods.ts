/**
 * Periods (SPEC §12): what the inside / next-opening math costs for a big period, the whole
 * three-year reference sweep, and the CPU of 10,000 jobs waiting on a closed period.
 * Run alone: `npm run bench -- periods periods-sweep periods-waiting`.
 */
import { compilePeriods, type PeriodDefinition } from '../service/scheduler/period-compile.js';
import { isInside, nextClosing, nextOpening, openings } from '../service/scheduler/period-math.js';
import { SWEEP_FROM, SWEEP_UNTIL, ZONES } from '../test/service/scheduler/period-cases.js';
import { sweep, type SweepResult } from '../test/service/scheduler/period-sweep.js';
import { startService } from '../test/helpers/service.js';
import { processCpuMs } from './service.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

/** 20 ranges (weekdays, nights across midnight, dates) minus 3 excluded periods in other zones. */
function bigPeriod() {
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const ranges = Array.from({ length: 20 }, (_, i) => {
    if (i % 5 === 4) return { days: [`2026-${String((i % 12) + 1).padStart(2, '0')}-1${i % 9}`], from: '00:00', to: '24:00' };
    const from = 6 + (i % 12);
    return { days: [weekdays[i % 7]!, weekdays[(i + 3) % 7]!], from: `${String(from).padStart(2, '0')}:15`, to: i % 3 === 0 ? '02:30' : `${String(from + 2).padStart(2, '0')}:45` };
  });
  const definitions: PeriodDefinition[] = [
    { name: 'big', description: '', timezone: 'Europe/Berlin', ranges, exclude: ['holidays', 'window', 'freeze'] },
    { name: 'holidays', description: '', timezone: 'Europe/Berlin', ranges: [{ days: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01', '2026-05-01'], from: '00:00', to: '24:00' }], exclude: [] },
    { name: 'window', description: '', timezone: 'UTC', ranges: [{ days: ['sat'], from: '01:00', to: '05:00' }], exclude: [] },
    { name: 'freeze', description: '', timezone: 'America/New_York', ranges: [{ days: ['2026-11-26', '2026-11-27'], from: '00:00', to: '24:00' }], exclude: [] },
  ];
  return compilePeriods(definitions, 'UTC').get('big')!;
}

function perSecond(calls: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(calls, 2000); i++) body(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) body(i);
  return calls / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function benchPeriodMath(): Promise<Record<string, number>> {
  const period = bigPeriod();
  // Instants spread over two years, 7 minutes and 13 seconds apart, so every hour and day comes up.
  const at = (i: number) => START + ((i * 433_000) % (730 * DAY));
  return {
    insidePerSecond: perSecond(200_000, (i) => isInside(period, at(i))),
    nextOpeningPerSecond: perSecond(50_000, (i) => nextOpening(period, at(i))),
    nextClosingPerSecond: perSecond(50_000, (i) => nextClosing(period, at(i))),
    openings10PerSecond: perSecond(5_000, (i) => openings(period, at(i), 10)),
  };
}

export async function benchPeriodSweep(): Promise<Record<string, number>> {
  const result: SweepResult = { minutes: 0, differences: [] };
  const started = performance.now();
  for (const zone of ZONES) sweep(zone, SWEEP_FROM, SWEEP_UNTIL, result);
  for (const line of result.differences) console.log(`  difference: ${line}`);
  return { minutesCompared: result.minutes, differences: result.differences.length, sweepSeconds: (performance.now() - started) / 1000 };
}

export async function benchPeriodWaiting(): Promise<Record<string, number>> {
  const svc = await startService({ env: { QUICKJOBS_WORKERS: '2', QUICKJOBS_TZ: 'UTC' } });
  try {
    // Opens in an hour for a minute: every job's 1-second slots until then are skipped.
    const opens = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000;
    const wall = (t: number) => new Date(t).toISOString();
    const period = { name: 'closed', timezone: 'UTC', ranges: [{ days: [wall(opens).slice(0, 10)], from: wall(opens).slice(11, 19), to: wall(opens + 60_000).slice(11, 19) }] };
    const created = await svc.api('/periods', { method: 'POST', body: period });
    if (created.status !== 201) throw new Error(`period: ${JSON.stringify(created.body)}`);
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const i = next++;
          const res = await svc.api('/jobs', { method: 'POST', body: { name: `waiting${i}`, interval: 1, period: 'closed' } });
          if (res.status !== 201) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const cpu0 = await processCpuMs(svc);
    const wall0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const cpu = (await processCpuMs(svc)) - cpu0;
    const runs = (await svc.api('/runs?limit=1')).body as unknown[];
    return { jobs: total, idleCpuPercent: (cpu / (performance.now() - wall0)) * 100, runsWhileClosed: runs.length };
  } finally {
    await svc.kill();
    await svc.cleanup();
  }
}

/**
 * Periods that meet every edge of SPEC §12, in four zones with different DST habits: Berlin and
 * New York (gap and overlap at 02:00/03:00), São Paulo in 2017–2019 (DST began at midnight, so a
 * whole 00:00–01:00 hour did not exist) and Lord Howe (a 30-minute shift).
 */
import type { PeriodDefinition } from '../../../service/scheduler/period-compile.js';

export const SWEEP_FROM = Date.UTC(2017, 0, 1);
export const SWEEP_UNTIL = Date.UTC(2020, 0, 1);
export const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Sao_Paulo', 'Australia/Lord_Howe'] as const;

/** For one zone: a busy period (working hours, nights, DST hours, dates) minus holidays and a UTC window. */
export function periodsFor(timeZone: string): PeriodDefinition[] {
  return [
    {
      name: 'busy',
      description: '',
      timezone: timeZone,
      ranges: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' },
        { days: ['fri', 'sat'], from: '22:30', to: '06:15' },
        { days: ['sun'], from: '01:45', to: '03:30' },
        { days: ['sun'], from: '23:00', to: '24:00' },
        { days: ['sat'], from: '00:00', to: '00:45' },
        { days: ['2018-03-25', '2018-11-04', '2017-10-15', '2019-04-07', '2018-02-17'], from: '00:00', to: '24:00' },
        { days: ['2017-12-31'], from: '20:00', to: '04:00' },
      ],
      exclude: ['holidays', 'window'],
    },
    {
      name: 'holidays',
      description: '',
      timezone: timeZone,
      ranges: [{ days: ['2017-12-25', '2018-12-25', '2019-12-25', '2018-05-01', '2019-04-19'], from: '00:00', to: '24:00' }],
      exclude: [],
    },
    {
      name: 'window',
      description: '',
      timezone: 'UTC',
      ranges: [{ days: ['wed'], from: '10:00', to: '11:30' }],
      exclude: [],
    },
  ];
}

/** A job's schedule as a person reads it: "every 5 minutes", "every hour", or the cron text. */
import type { Job } from '../api-types.js';

const UNITS: Array<[seconds: number, one: string, many: string]> = [
  [86_400, 'day', 'days'],
  [3_600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/** 300 → "every 5 minutes", 3600 → "every hour", 90 → "every 90 seconds". */
export function intervalInWords(seconds: number): string {
  for (const [size, one, many] of UNITS) {
    if (seconds % size !== 0) continue;
    const count = seconds / size;
    return count === 1 ? `every ${one}` : `every ${count} ${many}`;
  }
  return `every ${seconds} seconds`;
}

export function scheduleInWords(job: Pick<Job, 'interval' | 'cron' | 'timezone' | 'runOnce'>): string {
  if (job.cron !== null) return job.timezone ? `cron ${job.cron} (${job.timezone})` : `cron ${job.cron}`;
  if (job.interval === null) return 'no schedule';
  if (job.runOnce) return `once per start, ${intervalInWords(job.interval).replace('every ', '')} after it`;
  return intervalInWords(job.interval);
}

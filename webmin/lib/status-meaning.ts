/** What each job status means (SPEC §4), for the status icon's label and hover text. */
import type { JobStatus } from '../api-types.js';

export interface StatusMeaning {
  /** One or two words. */
  label: string;
  /** The full sentence for the hover text and screen readers. */
  meaning: string;
}

export const STATUS_MEANINGS: Record<JobStatus, StatusMeaning> = {
  ok: { label: 'OK', meaning: 'Active: runs on its schedule.' },
  sleep: { label: 'Sleeping', meaning: 'Active: runs again 24 hours after its last run.' },
  stop: { label: 'Stopped', meaning: 'Active, but will not run again until a reload or restart.' },
  exit: { label: 'Exited', meaning: 'Not active: will not run until a user reactivates it.' },
  'once-pending': { label: 'Run once, pending', meaning: 'Run Once job that has not run since the service started.' },
  'once-done': { label: 'Run once, done', meaning: 'Run Once job that has run; runs again only after the next start.' },
};

/** A job held back by its closed period (SPEC §12), with the period's zone when known. */
export interface PeriodWaitText {
  period: string;
  opensAt: string | null;
  timeZone?: string | undefined;
}

export function statusText(status: JobStatus, running: boolean, wait: PeriodWaitText | null = null): string {
  const { label, meaning } = STATUS_MEANINGS[status] ?? { label: status, meaning: '' };
  return `${label}. ${meaning}${running ? ' Running now.' : ''}${wait ? ` ${waitText(wait)}.` : ''}`;
}

/** "Waiting for period workhours, opens Mon 08:00" (in the period's zone). */
export function waitText(wait: PeriodWaitText): string {
  if (!wait.opensAt) return `Waiting for period ${wait.period}, which does not open again`;
  return `Waiting for period ${wait.period}, opens ${weekdayTime(wait.opensAt, wait.timeZone)}`;
}

function weekdayTime(iso: string, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', options);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.hour}:${parts.minute}`;
}

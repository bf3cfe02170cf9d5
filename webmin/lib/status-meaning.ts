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

export function statusText(status: JobStatus, running: boolean): string {
  const { label, meaning } = STATUS_MEANINGS[status] ?? { label: status, meaning: '' };
  return `${label}. ${meaning}${running ? ' Running now.' : ''}`;
}

/** What an alert says: the email text and the webhook body. */
import type { Job, RunRecord } from '../jobs/types.js';

export type AlertEvent = 'job.failed' | 'job.recovered';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The webhook body. Times are ISO 8601 UTC as in the API; the job and run carry what a receiver
 * needs to act without calling back.
 */
export function webhookBody(event: AlertEvent, job: Job, run: RunRecord, at: number): string {
  return JSON.stringify({
    event,
    job: {
      name: job.name,
      description: job.description,
      status: job.status,
      active: job.active,
      lastError: job.lastError,
      lastRunAt: iso(job.lastRunAt),
      nextRunAt: iso(job.nextRunAt),
    },
    run: {
      id: run.id,
      trigger: run.trigger,
      outcome: run.outcome,
      result: run.result,
      error: run.error,
      queuedAt: iso(run.queuedAt),
      startedAt: iso(run.startedAt),
      finishedAt: iso(run.finishedAt),
      waitMs: run.waitMs,
      durationMs: run.durationMs,
    },
    at: iso(at),
  });
}

/** The last lines of the run's log are often the quickest explanation. */
const LOG_LINES_IN_EMAIL = 20;

export function emailMessage(event: AlertEvent, job: Job, run: RunRecord): { subject: string; text: string } {
  const failed = event === 'job.failed';
  const subject = failed
    ? `[quickjobs] job "${job.name}" failed and was deactivated`
    : `[quickjobs] job "${job.name}" recovered`;
  const lines = [
    failed
      ? `The job "${job.name}" ended with an error (${run.outcome}) and is no longer active. It runs again only when someone reactivates it.`
      : `The job "${job.name}" ran successfully again (result ${run.result ?? 'none'}) after failing before.`,
    '',
    `Job:      ${job.name}${job.description ? ` — ${job.description}` : ''}`,
    run.startedAt === null
      ? `Run:      #${run.id} (${run.trigger}), queued ${iso(run.queuedAt)}, its code never began`
      : `Run:      #${run.id} (${run.trigger}), started ${iso(run.startedAt)}`,
  ];
  if (run.error) {
    const where = run.error.line === undefined ? '' : ` (line ${run.error.line}${run.error.column === undefined ? '' : `, column ${run.error.column}`})`;
    lines.push(`Error:    ${run.error.message}${where}`);
  }
  const tail = run.logs.slice(-LOG_LINES_IN_EMAIL);
  if (tail.length > 0) {
    lines.push('', `Last ${tail.length} log line(s):`);
    for (const entry of tail) lines.push(`  ${entry.at} ${entry.level.padEnd(5)} ${entry.message}`);
  }
  return { subject, text: `${lines.join('\n')}\n` };
}

/**
 * `<qj-run-list>`: runs with their outcome, result, timing and log; the first one open. A run
 * that is still going shows "running" and its log as it grows (the owner streams it in).
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Run } from '../../api-types.js';
import { clockTime, duration, localTime, utcTime } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import { runListStyles } from './run-list.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-run-list': RunList;
  }
}

const TRIGGERS: Record<Run['trigger'], string> = { schedule: 'scheduled', manual: 'manual', boot: 'at start', draft: 'draft' };

/** Each outcome's icon and hover text; the compiler stops here when an outcome is added. */
export const OUTCOMES: Record<Run['outcome'], { icon: string; hover: string }> = {
  queued: { icon: '⏳', hover: 'Waiting for a free sandbox thread; its code has not begun' },
  running: { icon: '▶', hover: 'Its code is running in a sandbox thread' },
  success: { icon: '✓', hover: 'Ended with a valid return' },
  error: { icon: '✗', hover: 'Ended with an error: a throw, a syntax error, an invalid return or the memory limit' },
  timeout: { icon: '⏱', hover: 'Stopped at its time limit' },
  interrupted: { icon: '⚠', hover: 'Cut short through no fault of its own (the service or its sandbox thread stopped)' },
  cancelled: { icon: '⊘', hover: 'Stopped by a person; not an error, the job keeps its schedule' },
};

/** A wait shorter than this is not worth a word. */
const SHOWN_WAIT_MS = 100;

/** "1 ms", or "1 ms, waited 0.9 s for a thread" when the run waited long before its code began. */
export function runTiming(run: Pick<Run, 'durationMs' | 'waitMs'>): string {
  const took = run.durationMs === null ? '' : duration(run.durationMs);
  if (run.waitMs === null || run.waitMs <= SHOWN_WAIT_MS) return took;
  const waited = `waited ${duration(run.waitMs)} for a thread`;
  return took === '' ? waited : `${took}, ${waited}`;
}

@customElement('qj-run-list')
export class RunList extends LitElement {
  static override styles = [sharedStyles, runListStyles];

  /** The runs, newest first. */
  @property({ attribute: false }) runs: Run[] = [];
  /** What to say when there are no runs. */
  @property() empty = 'No runs yet.';

  override render(): TemplateResult {
    if (this.runs.length === 0) return html`<p class="empty">${this.empty}</p>`;
    return html`<ol>
      ${repeat(
        this.runs,
        (run) => run.id,
        (run, index) => html`<li>${this.renderRun(run, index === 0)}</li>`,
      )}
    </ol>`;
  }

  private renderRun(run: Run, open: boolean): TemplateResult {
    const draft = run.codeVersion === null;
    return html`<details ?open=${open} data-run=${run.id} data-outcome=${run.outcome}>
      <summary>
        <span class="outcome ${run.outcome}" title=${OUTCOMES[run.outcome]?.hover ?? run.outcome}
          ><span class="icon" aria-hidden="true">${OUTCOMES[run.outcome]?.icon ?? ''}</span>
          ${run.outcome === 'success' ? (run.result ?? 'OK') : run.outcome}</span
        >
        <time class="meta" datetime=${run.startedAt ?? run.queuedAt} title=${utcTime(run.startedAt ?? run.queuedAt)}>${localTime(run.startedAt ?? run.queuedAt)}</time>
        <span class="meta">${TRIGGERS[run.trigger] ?? run.trigger}${draft && run.trigger !== 'draft' ? ', draft' : run.codeVersion ? `, v${run.codeVersion}` : ''}${run.node ? html`, on <span data-run-node>${run.node}</span>` : ''}</span>
        ${runTiming(run) !== '' ? html`<span class="meta timing">${runTiming(run)}</span>` : nothing}
      </summary>
      <div class="body">
        ${run.error
          ? html`<p class="error">${run.error.line ? `Line ${run.error.line}: ` : ''}${run.error.message}</p>`
          : nothing}
        ${run.logs.length === 0
          ? html`<p class="empty">${run.outcome === 'running' ? 'Waiting for log lines…' : run.outcome === 'queued' ? 'Waiting for a free sandbox thread…' : 'The run logged nothing.'}</p>`
          : html`<div class="log" role="log" aria-label="Log of the run">${run.logs.map(
              (entry) => html`<div class=${entry.level}><time datetime=${entry.at} title=${utcTime(entry.at)}>${clockTime(entry.at)}</time> ${entry.message}</div>`,
            )}</div>`}
      </div>
    </details>`;
  }
}

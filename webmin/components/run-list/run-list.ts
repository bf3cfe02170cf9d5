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
        <span class="outcome ${run.outcome}">${run.outcome === 'success' ? (run.result ?? 'OK') : run.outcome}</span>
        <time class="meta" datetime=${run.startedAt} title=${utcTime(run.startedAt)}>${localTime(run.startedAt)}</time>
        <span class="meta">${TRIGGERS[run.trigger] ?? run.trigger}${draft && run.trigger !== 'draft' ? ', draft' : run.codeVersion ? `, v${run.codeVersion}` : ''}</span>
        ${run.durationMs !== null ? html`<span class="meta">${duration(run.durationMs)}</span>` : nothing}
      </summary>
      <div class="body">
        ${run.error
          ? html`<p class="error">${run.error.line ? `Line ${run.error.line}: ` : ''}${run.error.message}</p>`
          : nothing}
        ${run.logs.length === 0
          ? html`<p class="empty">${run.outcome === 'running' ? 'Waiting for log lines…' : 'The run logged nothing.'}</p>`
          : html`<div class="log" role="log" aria-label="Log of the run">${run.logs.map(
              (entry) => html`<div class=${entry.level}><time datetime=${entry.at} title=${utcTime(entry.at)}>${clockTime(entry.at)}</time> ${entry.message}</div>`,
            )}</div>`}
      </div>
    </details>`;
  }
}

/**
 * `<qj-jobs-table>`: one row per job: status icon, name (opens the settings form), schedule in
 * words, last run, next run, last result, and the path (opens the code editor). On a narrow
 * screen each row becomes a card.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Job } from '../../api-types.js';
import { href } from '../../lib/routes.js';
import { scheduleInWords } from '../../lib/schedule-words.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import '../status-icon/status-icon.js';
import { jobsTableStyles } from './jobs-table.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-jobs-table': JobsTable;
  }
}

function timeCell(iso: string | null, label: string): TemplateResult {
  if (!iso) return html`<td data-label=${label}><span class="muted">—</span></td>`;
  return html`<td data-label=${label}><time datetime=${iso} title=${utcTime(iso)}>${localTime(iso)}</time></td>`;
}

function nextRunCell(job: Job): TemplateResult {
  if (job.nextRunAt) return timeCell(job.nextRunAt, 'Next run');
  const why = !job.active ? 'not active' : job.status === 'stop' ? 'stopped' : job.status === 'once-done' ? 'after next start' : '—';
  return html`<td data-label="Next run"><span class="muted">${why}</span></td>`;
}

function resultCell(job: Job): TemplateResult {
  if (job.lastError) {
    return html`<td data-label="Last result">
      <span class="error">Error</span><span class="error-text" title=${job.lastError}>${job.lastError}</span>
    </td>`;
  }
  if (!job.lastResult) return html`<td data-label="Last result"><span class="muted">—</span></td>`;
  return html`<td data-label="Last result"><span class="result-${job.lastResult}">${job.lastResult}</span></td>`;
}

@customElement('qj-jobs-table')
export class JobsTable extends LitElement {
  static override styles = [sharedStyles, jobsTableStyles];

  /** The jobs to list, in the order to show them. */
  @property({ attribute: false }) jobs: Job[] = [];
  /** Each period's zone, so a waiting job's hover gives the opening in the period's own time. */
  @property({ attribute: false }) periodZones: ReadonlyMap<string, string> = new Map();

  override render(): TemplateResult {
    return html`
      <table>
        <caption class="visually-hidden">Jobs</caption>
        <thead>
          <tr>
            <th scope="col"><span class="visually-hidden">Status</span></th>
            <th scope="col">Name</th>
            <th scope="col">Schedule</th>
            <th scope="col">Last run</th>
            <th scope="col">Next run</th>
            <th scope="col">Last result</th>
            <th scope="col">Code</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.jobs,
            (job) => job.name,
            (job) => html`
              <tr data-job=${job.name}>
                <td class="status" data-label="Status">
                  <qj-status-icon .status=${job.status} .running=${job.running}
                    .wait=${job.periodWait ? { ...job.periodWait, timeZone: this.periodZones.get(job.periodWait.period) } : null}></qj-status-icon>
                </td>
                <td class="name">
                  <a href=${href({ page: 'job', name: job.name })} title="Edit the settings of ${job.name}">${job.name}</a>
                  ${job.description ? html`<span class="description">${job.description}</span>` : null}
                </td>
                <td data-label="Schedule">${scheduleInWords(job)}</td>
                ${timeCell(job.lastRunAt, 'Last run')} ${nextRunCell(job)} ${resultCell(job)}
                <td class="path" data-label="Code">
                  <!-- The name starts with the visible path, so speech input can say what it sees (WCAG 2.5.3). -->
                  <a href=${href({ page: 'code', name: job.name })}>${job.path}<span class="visually-hidden">: edit the code of ${job.name}</span></a>
                </td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    `;
  }
}

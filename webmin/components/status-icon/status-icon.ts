/**
 * `<qj-status-icon>`: a job's status as an icon whose hover text and accessible name say what the
 * status means (SPEC §4), plus a spinning ring while the job runs.
 */
import { LitElement, html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { JobStatus } from '../../api-types.js';
import { STATUS_MEANINGS, statusText, type PeriodWaitText } from '../../lib/status-meaning.js';
import { statusIconStyles } from './status-icon.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-status-icon': StatusIcon;
  }
}

const COLOURS: Record<JobStatus, string> = {
  ok: '#1a7f37',
  sleep: '#1f5fbf',
  stop: '#9a6700',
  exit: '#b42318',
  'once-pending': '#6f42c1',
  'once-done': '#59636e',
};

/** The mark inside the circle; shapes differ too, so colour is never the only signal. */
const MARKS: Record<JobStatus, SVGTemplateResult> = {
  ok: svg`<path d="M6.5 10.5l2.5 2.5 4.5-5" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>`,
  sleep: svg`<path d="M12.5 6.5a4 4 0 1 0 1.5 6 3.2 3.2 0 0 1-1.5-6z" fill="#fff"/>`,
  stop: svg`<rect x="7" y="7" width="6" height="6" rx="1" fill="#fff"/>`,
  exit: svg`<path d="M7.2 7.2l5.6 5.6M12.8 7.2l-5.6 5.6" stroke="#fff" stroke-width="2" stroke-linecap="round"/>`,
  'once-pending': svg`<path d="M10 6v4l2.5 1.5" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>`,
  'once-done': svg`<path d="M6.5 10.5l2.5 2.5 4.5-5" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round"/><circle cx="10" cy="10" r="8" fill="none" stroke="#fff" stroke-width="0.8" stroke-dasharray="2 2"/>`,
};

@customElement('qj-status-icon')
export class StatusIcon extends LitElement {
  static override styles = statusIconStyles;

  /** The job's status. */
  @property() status: JobStatus = 'ok';
  /** Whether a run of the job is in progress. */
  @property({ type: Boolean }) running = false;
  /** Set while the job waits for its period to open; the hover says when it opens. */
  @property({ attribute: false }) wait: PeriodWaitText | null = null;
  /** Show the status word next to the icon. */
  @property({ type: Boolean, attribute: 'show-label' }) showLabel = false;

  override render(): TemplateResult {
    const text = statusText(this.status, this.running, this.wait);
    const colour = COLOURS[this.status] ?? '#59636e';
    return html`<span role="img" aria-label=${text} title=${text} data-status=${this.status} data-waiting=${this.wait ? 'true' : 'false'}>
      <svg viewBox="0 0 20 20" aria-hidden="true">
        <circle cx="10" cy="10" r="9" fill=${colour} />
        ${MARKS[this.status] ?? null}
        ${this.running
          ? svg`<circle class="running" cx="10" cy="10" r="9.2" fill="none" stroke="#fff" stroke-width="1.6" stroke-dasharray="10 48"/>`
          : null}
      </svg>
      ${this.showLabel ? html`<span class="word" aria-hidden="true">${STATUS_MEANINGS[this.status]?.label ?? this.status}</span>` : null}
    </span>`;
  }
}

/**
 * `<qj-next-slots>`: the next five times a schedule would run, as the user types it, in the job's
 * zone and the browser's, from the service's own schedule math (`POST /schedule/preview`), with
 * a cron expression read out in plain words.
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ApiError } from '../../api.js';
import type { Slots } from '../../api-types.js';
import { cronInWords } from '../../lib/cron-words.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-next-slots': NextSlots;
  }
}

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function inZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

@customElement('qj-next-slots')
export class NextSlots extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 0.9rem; }
    h3 { font-size: 0.95rem; margin: 0.5rem 0 0.25rem; }
    .words { font-weight: 600; margin: 0.25rem 0; }
    table { border-collapse: collapse; }
    th, td { text-align: left; padding: 0.15rem 0.8rem 0.15rem 0; }
    .muted { color: #59636e; }
    .skipped { margin: 0.25rem 0 0; padding-left: 1.2rem; }
  `;

  @property() interval = '';
  @property() cron = '';
  @property() timezone = '';
  @property() kind: 'interval' | 'cron' = 'interval';
  /** The period the job is limited to; '' for none. */
  @property() period = '';
  @property() missed: 'once' | 'skip' = 'once';
  @state() private runs: Slots['runs'] = [];
  @state() private skipped: string[] = [];
  @state() private zone = '';
  @state() private problem = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Only the newest request's answer is shown; an older one may arrive after it. */
  private asked = 0;

  protected override updated(changed: PropertyValues<this>): void {
    if (['interval', 'cron', 'timezone', 'kind', 'period', 'missed'].some((key) => changed.has(key as keyof NextSlots))) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.preview(), 250);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async preview(): Promise<void> {
    const cadence =
      this.kind === 'interval'
        ? /^\d+$/.test(this.interval) ? { interval: Number(this.interval) } : null
        : this.cron.trim() ? { cron: this.cron.trim(), timezone: this.timezone.trim() || null } : null;
    if (!cadence) {
      this.asked++;
      this.runs = [];
      this.skipped = [];
      this.problem = '';
      return;
    }
    const ask = ++this.asked;
    try {
      const answer = await api.previewSchedule({ ...cadence, period: this.period || null, missed: this.missed });
      if (ask !== this.asked) return;
      this.runs = answer.runs;
      this.skipped = answer.skipped;
      this.zone = answer.timezone;
      this.problem = '';
    } catch (error) {
      if (ask !== this.asked) return;
      this.runs = [];
      this.skipped = [];
      this.problem = error instanceof ApiError ? error.message : '';
    }
  }

  override render(): TemplateResult {
    const words = this.kind === 'cron' ? cronInWords(this.cron) : '';
    return html`<div aria-live="polite">
      ${words ? html`<p class="words" data-cron-words>Runs ${words}.</p>` : nothing}
      ${this.runs.length === 0
        ? this.problem ? html`<p class="muted">No preview: ${this.problem}</p>` : nothing
        : html`<h3>Next ${this.runs.length} runs${this.period ? html` in period ${this.period}` : nothing}</h3>
            <table>
              <thead>
                <tr>
                  <th scope="col">Job zone (${this.zone})</th>
                  ${this.zone === browserZone ? nothing : html`<th scope="col">Your zone (${browserZone})</th>`}
                  ${this.period ? html`<th scope="col">Note</th>` : nothing}
                </tr>
              </thead>
              <tbody>
                ${this.runs.map(
                  (run) => html`<tr data-slot=${run.at}>
                    <td>${inZone(run.at, this.zone)}</td>
                    ${this.zone === browserZone ? nothing : html`<td>${inZone(run.at, browserZone)}</td>`}
                    ${this.period ? html`<td>${run.at === run.slot ? '' : `waits for the period to open (slot ${inZone(run.slot, this.zone)})`}</td>` : nothing}
                  </tr>`,
                )}
              </tbody>
            </table>`}
      ${this.skipped.length === 0
        ? nothing
        : html`<h3>Skipped by period ${this.period}</h3>
            <ul class="skipped">
              ${this.skipped.map((slot) => html`<li data-skipped=${slot}>${inZone(slot, this.zone)}</li>`)}
            </ul>`}
    </div>`;
  }
}

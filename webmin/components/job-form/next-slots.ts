/**
 * `<qj-next-slots>`: the next five times a schedule would run, as the user types it, in the job's
 * zone and the browser's, from the service's own schedule math (`POST /schedule/preview`), with
 * a cron expression read out in plain words.
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, ApiError } from '../../api.js';
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
  `;

  @property() interval = '';
  @property() cron = '';
  @property() timezone = '';
  @property() kind: 'interval' | 'cron' = 'interval';
  @state() private slots: string[] = [];
  @state() private zone = '';
  @state() private problem = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Only the newest request's answer is shown; an older one may arrive after it. */
  private asked = 0;

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('interval') || changed.has('cron') || changed.has('timezone') || changed.has('kind')) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.preview(), 250);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async preview(): Promise<void> {
    const schedule =
      this.kind === 'interval'
        ? /^\d+$/.test(this.interval) ? { interval: Number(this.interval) } : null
        : this.cron.trim() ? { cron: this.cron.trim(), timezone: this.timezone.trim() || null } : null;
    if (!schedule) {
      this.asked++;
      this.slots = [];
      this.problem = '';
      return;
    }
    const ask = ++this.asked;
    try {
      const answer = await api.previewSchedule(schedule);
      if (ask !== this.asked) return;
      this.slots = answer.slots;
      this.zone = answer.timezone;
      this.problem = '';
    } catch (error) {
      if (ask !== this.asked) return;
      this.slots = [];
      this.problem = error instanceof ApiError ? error.message : '';
    }
  }

  override render(): TemplateResult {
    const words = this.kind === 'cron' ? cronInWords(this.cron) : '';
    return html`<div aria-live="polite">
      ${words ? html`<p class="words" data-cron-words>Runs ${words}.</p>` : nothing}
      ${this.slots.length === 0
        ? this.problem ? html`<p class="muted">No preview: ${this.problem}</p>` : nothing
        : html`<h3>Next ${this.slots.length} runs</h3>
            <table>
              <thead><tr><th scope="col">Job zone (${this.zone})</th>${this.zone === browserZone ? nothing : html`<th scope="col">Your zone (${browserZone})</th>`}</tr></thead>
              <tbody>
                ${this.slots.map((slot) => html`<tr data-slot=${slot}><td>${inZone(slot, this.zone)}</td>${this.zone === browserZone ? nothing : html`<td>${inZone(slot, browserZone)}</td>`}</tr>`)}
              </tbody>
            </table>`}
    </div>`;
  }
}

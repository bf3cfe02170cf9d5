/**
 * `<qj-periods-page>`: the time periods (SPEC §12). The list beside a form for the chosen period
 * (or a new one) with its ranges and excludes, and a week view of when it is inside, redrawn from
 * the service's preview as the form changes. Delete asks first; a period in use says by whom.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, ApiError, type Period, type PeriodInterval, type PeriodRange } from '../../api.js';
import { href, navigate } from '../../lib/routes.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import '../week-view/week-view.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';
import { periodsPageStyles } from './periods-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-periods-page': PeriodsPage;
  }
}

interface RangeValues {
  days: string;
  from: string;
  to: string;
}

interface PeriodFormValues {
  name: string;
  description: string;
  timezone: string;
  ranges: RangeValues[];
  exclude: string[];
}

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
const emptyForm = (): PeriodFormValues => ({
  name: '',
  description: '',
  timezone: browserZone(),
  ranges: [{ days: 'mon, tue, wed, thu, fri', from: '08:00', to: '18:00' }],
  exclude: [],
});

function formOf(period: Period): PeriodFormValues {
  return {
    name: period.name,
    description: period.description,
    timezone: period.timezone ?? '',
    ranges: period.ranges.map((r) => ({ days: r.days.join(', '), from: r.from, to: r.to })),
    exclude: [...period.exclude],
  };
}

function rangesOf(values: PeriodFormValues): PeriodRange[] {
  return values.ranges.map((r) => ({ days: r.days.split(/[\s,]+/).filter(Boolean).map((d) => d.toLowerCase()), from: r.from.trim(), to: r.to.trim() }));
}

@customElement('qj-periods-page')
export class PeriodsPage extends LitElement {
  static override styles = [sharedStyles, periodsPageStyles];

  /** The period to edit; unset for a new one. */
  @property({ attribute: false }) periodName: string | undefined;

  @state() private periods: Period[] | null = null;
  @state() private values: PeriodFormValues = emptyForm();
  @state() private preview: PeriodInterval[] = [];
  @state() private previewError = '';
  @state() private formError = '';
  @state() private notice = '';
  @state() private busy = false;
  @query('qj-confirm-dialog') private confirmDialog!: ConfirmDialog;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;

  private get creating(): boolean {
    return this.periodName === undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('periodName')) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.previewTimer);
  }

  private async load(): Promise<void> {
    this.formError = '';
    this.notice = '';
    try {
      this.periods = await api.listPeriods();
      const current = this.periods.find((p) => p.name === this.periodName);
      if (this.periodName !== undefined && !current) this.formError = `There is no period called ${this.periodName}.`;
      this.values = current ? formOf(current) : emptyForm();
      this.schedulePreview(0);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.formError = `The periods could not be loaded: ${error.message}`;
    }
  }

  private schedulePreview(delay = 300): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.refreshPreview(), delay);
  }

  private async refreshPreview(): Promise<void> {
    const v = this.values;
    try {
      this.preview = await api.previewPeriod({ description: v.description, timezone: v.timezone.trim() || null, ranges: rangesOf(v), exclude: v.exclude });
      this.previewError = '';
    } catch (error) {
      this.previewError = error instanceof ApiError ? error.message : 'The preview could not be drawn.';
    }
  }

  private patch(change: Partial<PeriodFormValues>): void {
    this.values = { ...this.values, ...change };
    this.notice = '';
    this.schedulePreview();
  }

  private handleField(event: Event): void {
    const target = event.target as HTMLInputElement;
    const [kind, index, key] = target.name.split('.');
    if (kind === 'range') {
      const ranges = this.values.ranges.map((r, i) => (i === Number(index) ? { ...r, [key!]: target.value } : r));
      this.patch({ ranges });
    } else if (kind === 'exclude') {
      const exclude = target.checked ? [...this.values.exclude, target.value] : this.values.exclude.filter((n) => n !== target.value);
      this.patch({ exclude });
    } else if (kind === 'name' || kind === 'description' || kind === 'timezone') {
      this.patch({ [kind]: target.value });
    }
  }

  private handleAddRange(): void {
    this.patch({ ranges: [...this.values.ranges, { days: 'sat', from: '00:00', to: '24:00' }] });
  }

  private handleRemoveRange(index: number): void {
    this.patch({ ranges: this.values.ranges.filter((_, i) => i !== index) });
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const v = this.values;
    const input = { description: v.description.trim(), timezone: v.timezone.trim() || null, ranges: rangesOf(v), exclude: v.exclude };
    this.busy = true;
    this.formError = '';
    try {
      if (this.creating) {
        const created = await api.createPeriod({ name: v.name.trim(), ...input });
        navigate({ page: 'periods', name: created.name });
      } else {
        await api.updatePeriod(this.periodName!, input);
        this.periods = await api.listPeriods();
        this.notice = `Saved ${this.periodName}. Jobs that use it follow the change at once.`;
      }
    } catch (error) {
      this.showError(error);
    } finally {
      this.busy = false;
    }
  }

  private showError(error: unknown): void {
    if (!(error instanceof ApiError)) this.formError = 'Saving failed.';
    else if (error.status !== 401) this.formError = error.field ? `${error.field}: ${error.message}` : error.message;
  }

  private async handleDelete(): Promise<void> {
    const name = this.periodName!;
    const confirmed = await this.confirmDialog.ask(`Delete ${name}?`, `The period ${name} will be deleted. This cannot be undone.`, `Delete ${name}`);
    if (!confirmed) return;
    try {
      await api.deletePeriod(name);
      navigate({ page: 'periods' });
    } catch (error) {
      this.showError(error);
    }
  }

  override render(): TemplateResult {
    return html`
      <div class="top">
        <h1>Periods</h1>
        <a href=${href({ page: 'jobs' })}>Back to jobs</a>
      </div>
      <div class="layout">
        <nav class="card list" aria-label="Periods">
          <a class="btn primary" href=${href({ page: 'periods' })}>New period</a>
          ${this.periods === null
            ? html`<p role="status">Loading…</p>`
            : html`<ul>
                ${this.periods.map(
                  (p) => html`<li><a href=${href({ page: 'periods', name: p.name })} aria-current=${p.name === this.periodName ? 'page' : 'false'}>${p.name}</a></li>`,
                )}
              </ul>`}
        </nav>
        ${this.renderForm()}
      </div>
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }

  private renderForm(): TemplateResult {
    const v = this.values;
    const others = (this.periods ?? []).filter((p) => p.name !== this.periodName).map((p) => p.name);
    return html`
      <form class="card" novalidate @submit=${this.handleSubmit} @input=${this.handleField} @change=${this.handleField} aria-labelledby="form-title">
        <h2 id="form-title">${this.creating ? 'New period' : `Period ${this.periodName}`}</h2>
        ${this.formError ? html`<p class="alert" role="alert">${this.formError}</p>` : nothing}
        ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        <div class="grid">
          ${this.creating
            ? html`<div class="field"><label for="name">Name</label><input id="name" name="name" .value=${v.name} autocomplete="off" /></div>`
            : html`<div class="field"><span class="label">Name</span> <span class="readonly">${this.periodName}</span></div>`}
          <div class="field"><label for="timezone">Time zone</label><input id="timezone" name="timezone" .value=${v.timezone} autocomplete="off"
            aria-describedby="timezone-hint" /><p class="hint" id="timezone-hint">IANA name; empty means the service time zone.</p></div>
          <div class="field" style="grid-column: 1 / -1"><label for="description">Description</label><input id="description" name="description" .value=${v.description} /></div>
        </div>
        <fieldset>
          <legend>Ranges</legend>
          <p class="hint" id="days-hint">Days: mon … sun, or dates like 2026-12-24, separated by commas. Times HH:MM in the period's zone; a "to" earlier than "from" ends the next day; 24:00 is the end of the day.</p>
          ${v.ranges.map(
            (r, i) => html`<div class="range" data-range=${i}>
              <div class="field days"><label for="days-${i}">Days</label><input id="days-${i}" name="range.${i}.days" .value=${r.days} aria-describedby="days-hint" /></div>
              <div class="field"><label for="from-${i}">From</label><input id="from-${i}" name="range.${i}.from" .value=${r.from} inputmode="numeric" /></div>
              <div class="field"><label for="to-${i}">To</label><input id="to-${i}" name="range.${i}.to" .value=${r.to} inputmode="numeric" /></div>
              <button class="btn" type="button" @click=${() => this.handleRemoveRange(i)} aria-label="Remove range ${i + 1}">Remove</button>
            </div>`,
          )}
          <button class="btn" type="button" @click=${this.handleAddRange}>Add range</button>
        </fieldset>
        <fieldset>
          <legend>Except during</legend>
          ${others.length === 0
            ? html`<p class="hint">No other periods to take out yet (holidays, maintenance windows).</p>`
            : html`<div class="checks">${others.map((name) => html`<label><input type="checkbox" name="exclude" value=${name} .checked=${v.exclude.includes(name)} /> ${name}</label>`)}</div>`}
        </fieldset>
        <section aria-labelledby="week-title">
          <h3 id="week-title">When it is inside</h3>
          ${this.previewError
            ? html`<p class="hint" role="status">${this.previewError}</p>`
            : html`<qj-week-view .intervals=${this.preview} .timeZone=${v.timezone.trim() || browserZone()}></qj-week-view>`}
        </section>
        ${may('editor')
          ? html`<div class="buttons">
              <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.creating ? 'Create' : 'Update'}</button>
              ${this.creating ? nothing : html`<button class="btn danger delete" type="button" @click=${this.handleDelete}>Delete</button>`}
            </div>`
          : html`<p class="hint">Read only: your role may not change periods.</p>`}
      </form>
    `;
  }
}

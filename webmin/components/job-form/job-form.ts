/**
 * `<qj-job-form>`: create a job (no `jobName`) or change and delete one. Every field is checked as
 * the user types, the service's field errors appear beside the field they name, Create leads
 * straight to the code editor, Delete asks first, naming the job. Enter sends, Escape goes back.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, ApiError, type Job } from '../../api.js';
import {
  emptyForm,
  formFieldOf,
  formFromJob,
  newJobFromForm,
  settingsFromForm,
  validateForm,
  type FieldErrors,
  type FormField,
  type JobFormValues,
} from '../../lib/job-form-values.js';
import { href, navigate } from '../../lib/routes.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import '../alert-list/alert-list.js';
import '../params-rows/params-rows.js';
import '../run-with-dialog/run-with-dialog.js';
import type { RunWithDialog } from '../run-with-dialog/run-with-dialog.js';
import { paramsFromRows, type ParamRow } from '../../lib/param-rows.js';
import './next-slots.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import { renderField, renderSelect } from './job-form-fields.js';
import { jobFormStyles } from './job-form.styles.js';
import { intervalInWords } from '../../lib/schedule-words.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-job-form': JobForm;
  }
}

@customElement('qj-job-form')
export class JobForm extends LitElement {
  static override styles = [sharedStyles, jobFormStyles];

  /** The job to edit; unset to create a new one. */
  @property({ attribute: false }) jobName: string | undefined;

  @state() private values: JobFormValues = emptyForm();
  @state() private touched = new Set<FormField>();
  @state() private serverErrors: FieldErrors = {};
  @state() private formError = '';
  @state() private notice = '';
  @state() private busy = false;
  @state() private loaded = false;
  @state() private job: Job | null = null;
  /** Period names for the Period choice. */
  @state() private periodNames: string[] = [];
  /** The service's zone, where a job without its own resolves its dates. */
  @state() private serviceZone = 'UTC';
  @query('qj-confirm-dialog') private confirmDialog!: ConfirmDialog;
  @query('qj-run-with-dialog') private runWithDialog!: RunWithDialog;

  private get creating(): boolean {
    return this.jobName === undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new-job form has no jobName to change, so the first update loads too.
    if (!this.hasUpdated || changed.has('jobName')) void this.load();
  }

  protected override firstUpdated(): void {
    if (this.creating) this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
  }

  private async load(): Promise<void> {
    void api.listPeriods().then(
      (periods) => (this.periodNames = periods.map((p) => p.name)),
      () => (this.periodNames = []),
    );
    // A schedule without a zone of its own answers in the service's zone.
    void api.previewSchedule({ interval: 60 }, 1).then(
      (slots) => (this.serviceZone = slots.timezone),
      () => {},
    );
    this.touched = new Set();
    this.serverErrors = {};
    this.formError = '';
    this.notice = '';
    if (this.jobName === undefined) {
      this.values = emptyForm();
      this.job = null;
      this.loaded = true;
      return;
    }
    this.loaded = false;
    try {
      this.job = await api.getJob(this.jobName);
      this.values = formFromJob(this.job);
      this.loaded = true;
    } catch (error) {
      this.formError =
        error instanceof ApiError && error.code === 'not_found'
          ? `There is no job called ${this.jobName}.`
          : `The job could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private get errors(): FieldErrors {
    return { ...validateForm(this.values, this.creating), ...this.serverErrors };
  }

  private setField<K extends FormField>(field: K, value: JobFormValues[K]): void {
    this.values = { ...this.values, [field]: value };
    this.touched = new Set(this.touched).add(field);
    // The service judged the old value; the new one is judged again on send.
    if (this.serverErrors[field]) this.serverErrors = { ...this.serverErrors, [field]: undefined };
    this.notice = '';
  }

  private handleInput(event: Event): void {
    const target = event.target as HTMLInputElement | HTMLSelectElement;
    const field = target.name as FormField;
    // Inputs inside child components (the params rows) report through their own events.
    if (!Object.hasOwn(this.values, field) || field === 'params') return;
    const value = target instanceof HTMLInputElement && target.type === 'checkbox' ? target.checked : target.value;
    this.setField(field, value as never);
  }

  private handleKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      navigate({ page: 'jobs' });
    }
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const errors = validateForm(this.values, this.creating);
    if (Object.keys(errors).length > 0) {
      this.touched = new Set(Object.keys(this.values) as FormField[]);
      this.formError = 'Some fields need a fix before the job can be saved; each one says what is wrong.';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.busy = true;
    this.formError = '';
    try {
      if (this.creating) {
        const job = await api.createJob(newJobFromForm(this.values));
        navigate({ page: 'code', name: job.name });
      } else {
        this.job = await api.updateJob(this.jobName!, settingsFromForm(this.values));
        this.values = formFromJob(this.job);
        this.notice = `Saved the settings of ${this.job.name}.`;
      }
    } catch (error) {
      this.showServerError(error);
    } finally {
      this.busy = false;
    }
  }

  private showServerError(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.formError = 'Saving failed.';
      return;
    }
    if (error.code === 'exists') {
      this.serverErrors = { name: 'A job with this name exists already. Pick another name.' };
      this.formError = '';
      return;
    }
    if (error.code === 'syntax_error') {
      // Only a new language re-checks the saved code from this form: say so beside the select.
      const language = this.values.language === 'typescript' ? 'TypeScript' : 'JavaScript';
      this.serverErrors = { ...this.serverErrors, language: `The saved code is not valid ${language} (${error.message}); change it in the editor first.` };
      this.touched = new Set(this.touched).add('language');
      this.formError = 'The service did not accept a field; it says why beside the field.';
      return;
    }
    const field = formFieldOf(error.field);
    if (error.code === 'invalid' && field) {
      this.serverErrors = { ...this.serverErrors, [field]: error.message };
      this.touched = new Set(this.touched).add(field);
      this.formError = 'The service did not accept a field; it says why beside the field.';
      return;
    }
    if (error.status !== 401) this.formError = error.message;
  }

  /** An operator's switch: only `active` is sent, which an operator may change. */
  private async handleActive(): Promise<void> {
    const job = this.job!;
    try {
      this.job = await api.updateJob(job.name, { active: !job.active });
      this.values = { ...this.values, active: this.job.active };
      this.notice = `${this.job.active ? 'Activated' : 'Deactivated'} ${job.name}.`;
    } catch (error) {
      this.showServerError(error);
    }
  }

  /** Runs the saved code now and says how it ended. */
  private async handleRunNow(): Promise<void> {
    const name = this.jobName!;
    this.notice = `Running ${name}…`;
    try {
      const run = await api.runJob(name);
      this.notice = `Run ${run.id} of ${name} ended: ${run.outcome}.`;
    } catch (error) {
      this.notice = '';
      this.showServerError(error);
    }
  }

  private handleParams(event: CustomEvent<ParamRow[]>): void {
    this.setField('params', event.detail);
  }

  private get zone(): string {
    return (this.values.scheduleKind === 'cron' && this.values.timezone.trim()) || this.serviceZone;
  }

  private handleRunWith(): void {
    if (this.job) void this.runWithDialog.open(this.job);
  }

  private async handleDelete(): Promise<void> {
    const name = this.jobName!;
    const confirmed = await this.confirmDialog.ask(
      `Delete ${name}?`,
      `The job ${name}, its code and all its recorded runs will be deleted. This cannot be undone.`,
      `Delete ${name}`,
    );
    if (!confirmed) return;
    try {
      await api.deleteJob(name);
      navigate({ page: 'jobs' });
    } catch (error) {
      this.showServerError(error);
    }
  }

  /** The row a local check finds wrong, to mark beside it. */
  private paramsRowError(): { index: number; message: string } | null {
    if (!this.touched.has('params')) return null;
    const params = paramsFromRows(this.values.params);
    return params.ok ? null : { index: params.index, message: params.message };
  }

  override render(): TemplateResult {
    const title = this.creating ? 'New job' : `Job ${this.jobName}`;
    return html`
      <div class="top">
        <h1>${title}</h1>
        ${this.creating ? nothing : html`<a href=${href({ page: 'code', name: this.jobName! })}>Edit the code</a>`}
        <a href=${href({ page: 'jobs' })}>Back to jobs</a>
        ${this.job && may('operator')
          ? html`<button class="btn run-now" type="button" @click=${this.handleRunNow}>Run now</button>
              <button class="btn toggle-active" type="button" @click=${this.handleActive}>${this.job.active ? 'Deactivate' : 'Activate'}</button>`
          : nothing}
      </div>
      ${this.job ? this.renderHistory(this.job) : nothing}
      ${this.loaded ? this.renderForm() : this.formError ? html`<p class="alert" role="alert">${this.formError}</p>` : html`<p role="status">Loading…</p>`}
      <qj-confirm-dialog></qj-confirm-dialog>
      <qj-run-with-dialog .zone=${this.zone}></qj-run-with-dialog>
    `;
  }

  /** Who made the job and who changed it last, and when (SPEC §14). */
  private renderHistory(job: Job): TemplateResult {
    const who = (name: string | null) => name ?? 'the jobs folder';
    return html`<p class="hint history">
      Created by ${who(job.createdBy)} <time datetime=${job.createdAt} title=${utcTime(job.createdAt)}>${localTime(job.createdAt)}</time>;
      last changed by ${who(job.updatedBy)} <time datetime=${job.updatedAt} title=${utcTime(job.updatedAt)}>${localTime(job.updatedAt)}</time>.
    </p>`;
  }

  private renderForm(): TemplateResult {
    const v = this.values;
    const all = this.errors;
    const shown = (field: FormField): string | undefined => (this.touched.has(field) ? all[field] : undefined);
    const field = (name: FormField, label: string, input: Partial<Parameters<typeof renderField>[0]> = {}): TemplateResult =>
      renderField({ name, label, value: String(v[name]), error: shown(name), ...input });
    return html`
      <form class="card" novalidate @submit=${this.handleSubmit} @input=${this.handleInput} @change=${this.handleInput} @keydown=${this.handleKeydown}>
        ${this.formError ? html`<p class="alert" role="alert">${this.formError}</p>` : nothing}
        ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        <div class="grid">
          ${this.creating
            ? field('name', 'Name', { hint: 'Letters, digits, - and _; starts with a letter. It cannot be changed later.', autocomplete: 'off' })
            : html`<div class="field"><span class="label">Name</span> <span class="readonly">${this.jobName}</span></div>`}
          ${field('description', 'Description', { hint: 'Optional: what the job does, for the jobs table.' })}
          ${renderSelect('language', 'Language', v.language, [
            ['javascript', 'JavaScript'],
            ['typescript', 'TypeScript (stripped to JavaScript when saved)'],
          ], shown('language'))}
        </div>
        <fieldset>
          <legend>Schedule</legend>
          <div class="radios">
            <label><input type="radio" name="scheduleKind" value="interval" .checked=${v.scheduleKind === 'interval'} /> Every so many seconds</label>
            <label><input type="radio" name="scheduleKind" value="cron" .checked=${v.scheduleKind === 'cron'} /> Cron expression</label>
          </div>
          <div class="grid">
            ${v.scheduleKind === 'interval'
              ? field('interval', 'Interval (seconds)', {
                  inputmode: 'numeric',
                  hint: shown('interval') ? undefined : /^\d+$/.test(v.interval) && Number(v.interval) > 0 ? `Runs ${intervalInWords(Number(v.interval))}.` : undefined,
                })
              : html`${field('cron', 'Cron expression', { hint: 'Five or six fields, e.g. 0 3 * * 1-5 for 03:00 on weekdays.', autocomplete: 'off' })}
                ${field('timezone', 'Time zone', { hint: 'Optional; empty means the service time zone.', list: 'zones', autocomplete: 'off' })}
                <datalist id="zones">${supportedZones().map((zone) => html`<option value=${zone}></option>`)}</datalist>`}
          </div>
          <qj-next-slots
            .kind=${v.scheduleKind}
            .interval=${v.interval}
            .cron=${v.cron}
            .timezone=${v.timezone}
            .period=${v.period}
            .missed=${v.missed}
          ></qj-next-slots>
        </fieldset>
        <fieldset>
          <legend>Running</legend>
          <div class="checks">
            <label><input type="checkbox" name="active" .checked=${v.active} /> Active</label>
            <label><input type="checkbox" name="runOnce" .checked=${v.runOnce} /> Run once per service start</label>
          </div>
          <div class="grid">
            ${field('timeout', 'Timeout (seconds)', { inputmode: 'numeric', hint: 'A run is stopped after this long.' })}
            ${renderSelect('period', 'Period', v.period, [
              ['', 'Any time'],
              ...[...new Set([...this.periodNames, ...(v.period ? [v.period] : [])])].map((name): [string, string] => [name, `Only in ${name}`]),
            ])}
            ${renderSelect('missed', 'Missed runs', v.missed, [
              ['once', 'Run once as soon as possible'],
              ['skip', 'Skip; wait for the next one'],
            ])}
            ${renderSelect('onError', 'On error', v.onError, [
              ['exit', 'Deactivate the job'],
              ['continue', 'Keep the schedule'],
            ])}
          </div>
        </fieldset>
        <fieldset>
          <legend>Parameters</legend>
          ${shown('params') ? html`<p class="field-error" id="params-error" data-error-for="params">${shown('params')}</p>` : nothing}
          <qj-params-rows .rows=${v.params} .zone=${this.zone} .rowError=${this.paramsRowError()} @params-change=${this.handleParams}></qj-params-rows>
        </fieldset>
        <fieldset>
          <legend>Alerts when the job fails or recovers</legend>
          <div class="grid">
            ${field('notifyEmail', 'Email addresses', { hint: 'Optional; separate several with commas.', type: 'text', autocomplete: 'off' })}
            ${field('notifyWebhook', 'Webhook URL', { hint: 'Optional; receives a signed POST.', type: 'url', autocomplete: 'off' })}
          </div>
          ${this.creating ? nothing : html`<h3 class="sent">Sent</h3><qj-alert-list .jobName=${this.jobName!}></qj-alert-list>`}
        </fieldset>
        <div class="buttons">
          ${may('editor') ? html`<button class="btn primary" type="submit" ?disabled=${this.busy}>${this.creating ? 'Create' : 'Update'}</button>` : nothing}
          <a class="btn" href=${href({ page: 'jobs' })}>${may('editor') ? 'Cancel' : 'Back to jobs'}</a>
          ${this.creating || !may('operator') ? nothing : html`<button class="btn run-with" type="button" @click=${this.handleRunWith}>Run with…</button>`}
          ${this.creating || !may('editor') ? nothing : html`<button class="btn danger delete" type="button" @click=${this.handleDelete}>Delete</button>`}
        </div>
      </form>
    `;
  }
}

let zones: string[] | null = null;
function supportedZones(): string[] {
  zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones;
}

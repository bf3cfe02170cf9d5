/**
 * `<qj-run-with-dialog>`: "Run with…" — runs a job's saved code now with params edited for this run
 * only (merged over the job's by the service; SPEC §13), then opens the run. The service's field
 * errors show beside the rows. Escape or Cancel closes it without running.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, ApiError, type Job } from '../../api.js';
import { paramsFromRows, rowsFromParams, type ParamRow } from '../../lib/param-rows.js';
import { navigate } from '../../lib/routes.js';
import '../params-rows/params-rows.js';
import { confirmDialogStyles } from '../confirm-dialog/confirm-dialog.styles.js';
import { sharedStyles } from '../shared.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-run-with-dialog': RunWithDialog;
  }
}

@customElement('qj-run-with-dialog')
export class RunWithDialog extends LitElement {
  static override styles = [sharedStyles, confirmDialogStyles];

  /** The zone the job's dates resolve in. */
  @property() zone = 'UTC';
  @state() private job: Job | null = null;
  @state() private rows: ParamRow[] = [];
  @state() private error = '';
  @state() private rowError: { index: number; message: string } | null = null;
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog with the job's own params to start from. */
  async open(job: Job): Promise<void> {
    this.job = job;
    this.rows = rowsFromParams(job.params);
    this.error = '';
    this.rowError = null;
    await this.updateComplete;
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('qj-params-rows')?.shadowRoot?.querySelector<HTMLInputElement>('input')?.focus();
  }

  private close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  private async handleRun(): Promise<void> {
    const job = this.job!;
    const params = paramsFromRows(this.rows);
    if (!params.ok) {
      this.rowError = { index: params.index, message: params.message };
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const run = await api.runWithParams(job.name, params.params);
      this.close();
      navigate({ page: 'runs', query: new URLSearchParams({ job: job.name, run: String(run.id) }).toString() });
    } catch (error) {
      this.error = error instanceof ApiError ? `${error.field ? `${error.field}: ` : ''}${error.message}` : 'The run could not be started.';
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    const name = this.job?.name ?? '';
    return html`<dialog aria-labelledby="run-with-heading" style="width: min(48rem, calc(100vw - 2rem))">
      <h2 id="run-with-heading">Run ${name} with…</h2>
      <p>These params apply to this run only; the job keeps its own.</p>
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : nothing}
      <qj-params-rows idPrefix="run-param" .rows=${this.rows} .zone=${this.zone} .rowError=${this.rowError}
        @params-change=${(e: CustomEvent<ParamRow[]>) => ((this.rows = e.detail), (this.rowError = null))}></qj-params-rows>
      <div class="buttons">
        <button class="btn cancel" type="button" @click=${this.close}>Cancel</button>
        <button class="btn primary run" type="button" ?disabled=${this.busy} @click=${this.handleRun}>${this.busy ? 'Running…' : `Run ${name}`}</button>
      </div>
    </dialog>`;
  }
}

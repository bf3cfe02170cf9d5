/**
 * `<qj-params-rows>`: a job's params (SPEC §13) as name/value rows, each with what its value
 * resolves to now (a date placeholder in the job's zone; a secret by its name, never its value).
 * Fires `params-change` with the rows after every edit; the owner keeps them.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { resolvesNow, type ParamRow } from '../../lib/param-rows.js';
import { sharedStyles } from '../shared.styles.js';
import { paramsRowsStyles } from './params-rows.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-params-rows': ParamsRows;
  }
  interface GlobalEventHandlersEventMap {
    'params-change': CustomEvent<ParamRow[]>;
  }
}

@customElement('qj-params-rows')
export class ParamsRows extends LitElement {
  static override styles = [sharedStyles, paramsRowsStyles];

  /** The rows as typed. */
  @property({ attribute: false }) rows: ParamRow[] = [];
  /** The zone the job's dates resolve in (IANA name). */
  @property() zone = 'UTC';
  /** The problem of one row (its index), shown beside it. */
  @property({ attribute: false }) rowError: { index: number; message: string } | null = null;
  /** Prefixes the inputs' ids, so two lists on one page stay apart. */
  @property() idPrefix = 'param';

  private change(rows: ParamRow[]): void {
    this.rows = rows;
    this.dispatchEvent(new CustomEvent('params-change', { detail: rows, bubbles: true, composed: true }));
  }

  private handleEdit(index: number, key: keyof ParamRow, event: Event): void {
    // The owner listens for params-change only: its own input handler must not see these fields.
    event.stopPropagation();
    const value = (event.target as HTMLInputElement).value;
    this.change(this.rows.map((row, i) => (i === index ? { ...row, [key]: value } : row)));
  }

  private async handleAdd(): Promise<void> {
    this.change([...this.rows, { name: '', value: '' }]);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#${this.idPrefix}-name-${this.rows.length - 1}`)?.focus();
  }

  private async handleRemove(index: number): Promise<void> {
    this.change(this.rows.filter((_row, i) => i !== index));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(this.rows.length === 0 ? '.add' : `#${this.idPrefix}-name-${Math.min(index, this.rows.length - 1)}`)?.focus();
  }

  override render(): TemplateResult {
    const now = Date.now();
    return html`
      ${this.rows.length === 0
        ? html`<p class="empty">No parameters. The job reads them as <code>job.params</code>.</p>`
        : html`<table>
            <thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Resolves now to</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
            <tbody>
              ${this.rows.map((row, i) => this.renderRow(row, i, now))}
            </tbody>
          </table>`}
      <p class="hint">
        Text as typed, or JSON (<code>3</code>, <code>true</code>, <code>[1, 2]</code>, <code>"3"</code> for the text 3). Dates:
        <code>{{date-1d:YYYY-MM-DD}}</code>, <code>{{now+2h}}</code>; a secret: <code>{"$secret": "name"}</code>.
      </p>
      <button class="btn add" type="button" @click=${this.handleAdd}>Add a parameter</button>
    `;
  }

  private renderRow(row: ParamRow, i: number, now: number): TemplateResult {
    const id = `${this.idPrefix}-${i}`;
    const error = this.rowError?.index === i ? this.rowError.message : null;
    const resolved = resolvesNow(row.value, now, this.zone);
    const label = row.name.trim() || `parameter ${i + 1}`;
    return html`<tr>
      <td class="name">
        <input id="${this.idPrefix}-name-${i}" aria-label="Name of parameter ${i + 1}" .value=${row.name} autocomplete="off" spellcheck="false"
          aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-error` : nothing}
          @input=${(e: Event) => this.handleEdit(i, 'name', e)} />
        ${error ? html`<p class="row-error" id="${id}-error">${error}</p>` : nothing}
      </td>
      <td class="value">
        <input id="${this.idPrefix}-value-${i}" aria-label="Value of ${label}" .value=${row.value} autocomplete="off" spellcheck="false"
          aria-describedby="${id}-now" @input=${(e: Event) => this.handleEdit(i, 'value', e)} />
      </td>
      <td class="now ${resolved.problem ? 'problem' : ''}" id="${id}-now" data-now-for=${row.name}>${resolved.text}</td>
      <td><button class="btn danger" type="button" aria-label="Remove ${label}" @click=${() => this.handleRemove(i)}>Remove</button></td>
    </tr>`;
  }
}

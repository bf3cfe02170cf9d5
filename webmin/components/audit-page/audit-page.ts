/**
 * `<qj-audit-page>` (editors and admins): who did what, newest first, filtered by user, action or
 * target, paged by "Older entries".
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, failureText, type AuditEntry, type AuditFilters } from '../../api.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import { sharedStyles } from '../shared.styles.js';
import { adminPageStyles } from '../users-page/users-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-audit-page': AuditPage;
  }
}

const PAGE = 100;

@customElement('qj-audit-page')
export class AuditPage extends LitElement {
  static override styles = [sharedStyles, adminPageStyles];

  @state() private entries: AuditEntry[] = [];
  @state() private more = false;
  @state() private error = '';
  private filters: AuditFilters = {};
  @query('#audit-user') private userInput!: HTMLInputElement;
  @query('#audit-action') private actionInput!: HTMLInputElement;
  @query('#audit-target') private targetInput!: HTMLInputElement;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(before?: number): Promise<void> {
    try {
      const page = await api.audit({ ...this.filters, limit: PAGE, before });
      this.entries = before === undefined ? page : [...this.entries, ...page];
      this.more = page.length === PAGE;
      this.error = '';
    } catch (error) {
      this.error = failureText('The audit trail could not be loaded', error) ?? this.error;
    }
  }

  private handleFilter(event: Event): void {
    event.preventDefault();
    this.filters = { user: this.userInput.value.trim(), action: this.actionInput.value.trim(), target: this.targetInput.value.trim() };
    void this.load();
  }

  override render(): TemplateResult {
    return html`
      <h1>Audit trail</h1>
      <p class="hint">Every change and action, with who made it and how: through the webmin, an API token, the command line or the jobs folder.</p>
      ${this.error ? html`<p class="message alert" role="alert">${this.error}</p>` : nothing}
      <form @submit=${this.handleFilter} aria-label="Filter the audit trail">
        <div class="field"><label for="audit-user">User</label><input id="audit-user" autocomplete="off" /></div>
        <div class="field"><label for="audit-action">Action</label><input id="audit-action" autocomplete="off" placeholder="job.update" /></div>
        <div class="field"><label for="audit-target">Target</label><input id="audit-target" autocomplete="off" /></div>
        <div class="field"><button class="btn primary" type="submit">Filter</button></div>
      </form>
      ${this.entries.length === 0
        ? html`<p class="hint">Nothing recorded that matches.</p>`
        : html`<table>
            <caption class="visually-hidden">Audit entries, newest first</caption>
            <thead><tr><th scope="col">When</th><th scope="col">User</th><th scope="col">Via</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
            <tbody>
              ${this.entries.map(
                (entry) => html`<tr>
                  <td><time datetime=${entry.at} title=${utcTime(entry.at)}>${localTime(entry.at)}</time></td>
                  <td>${entry.user ?? '—'}</td>
                  <td>${entry.via}</td>
                  <td><code>${entry.action}</code></td>
                  <td>${entry.target ?? ''}</td>
                  <td>${entry.summary}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      ${this.more ? html`<button class="btn" type="button" @click=${() => void this.load(this.entries.at(-1)!.id)}>Older entries</button>` : nothing}
    `;
  }
}

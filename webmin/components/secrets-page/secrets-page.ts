/**
 * `<qj-secrets-page>`: the secrets jobs read with `core.secret(name)`. Values are write-only: set
 * or replace one here, and from then on the page (and the API) shows only its name, when it was
 * last set and by whom. Deleting asks first, naming the secret.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ApiError, failureText, type SecretInfo } from '../../api.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';
import { secretsPageStyles } from './secrets-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-secrets-page': SecretsPage;
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

@customElement('qj-secrets-page')
export class SecretsPage extends LitElement {
  static override styles = [sharedStyles, secretsPageStyles];

  @state() private secrets: SecretInfo[] = [];
  @state() private message: { kind: 'ok' | 'error'; text: string } | null = null;
  @state() private nameError = '';
  @state() private valueError = '';
  @state() private saving = false;
  @query('#secret-name') private nameInput!: HTMLInputElement;
  @query('#secret-value') private valueInput!: HTMLInputElement;
  @query('qj-confirm-dialog') private confirm!: ConfirmDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.secrets = await api.listSecrets();
    } catch (error) {
      this.fail('The secrets could not be loaded', error);
    }
  }

  private fail(what: string, error: unknown): void {
    const text = failureText(what, error);
    if (text !== null) this.message = { kind: 'error', text };
  }

  private async handleSubmit(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.nameInput.value.trim();
    const value = this.valueInput.value;
    this.nameError = NAME.test(name) ? '' : 'A name is a letter, then up to 63 letters, digits, “_” or “-”.';
    this.valueError = value.length >= 4 ? '' : 'A value needs at least 4 characters, so it can be masked in run logs.';
    if (this.nameError || this.valueError) return;
    this.saving = true;
    const replacing = this.secrets.some((s) => s.name === name);
    try {
      await api.setSecret(name, value);
      // The value leaves the page as soon as it is saved.
      this.valueInput.value = '';
      this.nameInput.value = '';
      this.message = { kind: 'ok', text: `${replacing ? 'Replaced' : 'Saved'} secret ${name}. Jobs read it with core.secret('${name}').` };
      await this.load();
    } catch (error) {
      if (error instanceof ApiError && error.field === 'value') this.valueError = error.message;
      else if (error instanceof ApiError && error.field === 'name') this.nameError = error.message;
      else this.fail('Not saved', error);
    } finally {
      this.saving = false;
    }
  }

  private handleReplace(name: string): void {
    this.nameInput.value = name;
    this.valueInput.value = '';
    this.valueInput.focus();
    this.message = { kind: 'ok', text: `Type the new value of ${name} and save it; the old one is replaced.` };
  }

  private async handleDelete(name: string): Promise<void> {
    const sure = await this.confirm.ask('Delete secret', `Delete secret ${name}? Jobs that read it get an error from then on.`, `Delete ${name}`);
    if (!sure) return;
    try {
      await api.deleteSecret(name);
      this.message = { kind: 'ok', text: `Deleted secret ${name}.` };
      await this.load();
      // Its row and the button that had focus are gone: give the keyboard a place to go on from.
      this.nameInput.focus();
    } catch (error) {
      this.fail('Not deleted', error);
    }
  }

  override render(): TemplateResult {
    return html`
      <h1>Secrets</h1>
      <p class="hint">Keep API keys and passwords here, not in job code. Jobs read them with <code>core.secret(name)</code>; run logs, errors and held output show <code>***</code> in their place. A value cannot be read back once saved, only replaced.</p>
      ${this.message
        ? html`<p class="message ${this.message.kind === 'error' ? 'alert' : 'notice'}" role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>`
        : nothing}
      ${may('admin') ? this.renderForm() : html`<p class="hint">Only an admin may set or delete secrets.</p>`}
      ${this.renderList()}
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }

  private renderForm(): TemplateResult {
    return html`
      <form @submit=${this.handleSubmit} novalidate>
        <div class="field">
          <label for="secret-name">Name</label>
          <input id="secret-name" name="name" autocomplete="off" spellcheck="false" aria-invalid=${this.nameError ? 'true' : 'false'} aria-describedby="secret-name-error" />
          <p class="field-error" id="secret-name-error">${this.nameError}</p>
        </div>
        <div class="field">
          <label for="secret-value">Value</label>
          <input id="secret-value" name="value" type="password" autocomplete="new-password" aria-invalid=${this.valueError ? 'true' : 'false'} aria-describedby="secret-value-error" />
          <p class="field-error" id="secret-value-error">${this.valueError}</p>
        </div>
        <div class="field">
          <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save secret'}</button>
          <p class="field-error"></p>
        </div>
      </form>`;
  }

  private renderList(): TemplateResult {
    return html`
      ${this.secrets.length === 0
        ? html`<p class="hint">No secrets yet.</p>`
        : html`<table>
            <caption class="visually-hidden">Secrets, by name</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Last set</th><th scope="col">By</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${this.secrets.map(
                (s) => html`<tr data-secret=${s.name}>
                  <td><code>${s.name}</code></td>
                  <td><time datetime=${s.updatedAt} title=${utcTime(s.updatedAt)}>${localTime(s.updatedAt)}</time></td>
                  <td>${s.updatedBy ?? '—'}</td>
                  <td class="actions">${may('admin') ? html`
                    <button class="btn replace" type="button" aria-label=${`Replace ${s.name}`} @click=${() => this.handleReplace(s.name)}>Replace</button>
                    <button class="btn danger delete" type="button" aria-label=${`Delete ${s.name}`} @click=${() => void this.handleDelete(s.name)}>Delete</button>` : nothing}
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    `;
  }
}

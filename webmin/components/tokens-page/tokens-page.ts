/**
 * `<qj-tokens-page>` (admins): API tokens for scripts, each acting with its owner's role. A new
 * token is shown once, right after it is made; only its hash is kept. Revoking works at once.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ApiError, failureText, type ApiToken, type User } from '../../api.js';
import { localTime } from '../../lib/time-format.js';
import { me } from '../../lib/session.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { sharedStyles } from '../shared.styles.js';
import { adminPageStyles } from '../users-page/users-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-tokens-page': TokensPage;
  }
}

@customElement('qj-tokens-page')
export class TokensPage extends LitElement {
  static override styles = [sharedStyles, adminPageStyles];

  @state() private tokens: ApiToken[] = [];
  @state() private users: User[] = [];
  /** The token just made: shown this once. */
  @state() private made: (ApiToken & { token: string }) | null = null;
  @state() private message: { kind: 'ok' | 'error'; text: string } | null = null;
  @state() private errors: Record<string, string> = {};
  @query('#token-name') private nameInput!: HTMLInputElement;
  @query('#token-owner') private ownerInput!: HTMLSelectElement;
  @query('#token-expires') private expiresInput!: HTMLInputElement;
  @query('qj-confirm-dialog') private confirm!: ConfirmDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      [this.tokens, this.users] = await Promise.all([api.listTokens(), api.listUsers()]);
    } catch (error) {
      this.fail('The tokens could not be loaded', error);
    }
  }

  private fail(what: string, error: unknown): void {
    const text = failureText(what, error);
    if (text !== null) this.message = { kind: 'error', text };
  }

  private async handleCreate(event: Event): Promise<void> {
    event.preventDefault();
    this.errors = {};
    const expires = this.expiresInput.value;
    try {
      this.made = await api.createToken({
        name: this.nameInput.value.trim(),
        owner: this.ownerInput.value,
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      });
      this.message = null;
      this.nameInput.value = '';
      await this.load();
    } catch (error) {
      if (error instanceof ApiError && error.field) this.errors = { [error.field]: error.message };
      else this.fail('No token made', error);
    }
  }

  private async handleRevoke(token: ApiToken): Promise<void> {
    if (!(await this.confirm.ask('Revoke token', `Revoke ${token.name} of ${token.owner}? Scripts using it are refused from now on.`, `Revoke ${token.name}`))) return;
    try {
      await api.revokeToken(token.id);
      this.message = { kind: 'ok', text: `Revoked ${token.name}.` };
      if (this.made?.id === token.id) this.made = null;
      await this.load();
      this.nameInput.focus();
    } catch (error) {
      this.fail('Not revoked', error);
    }
  }

  override render(): TemplateResult {
    const e = this.errors;
    const self = me()?.name;
    return html`
      <h1>API tokens</h1>
      <p class="hint">Send a token as <code>Authorization: Bearer &lt;token&gt;</code>. It acts with its owner's role.</p>
      ${this.message ? html`<p class="message ${this.message.kind === 'error' ? 'alert' : 'notice'}" role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      ${this.made
        ? html`<div class="notice" role="status"><p>Token <strong>${this.made.name}</strong> for ${this.made.owner}. Copy it now: it is not shown again.</p><code class="token" id="new-token">${this.made.token}</code></div>`
        : nothing}
      <form @submit=${this.handleCreate} novalidate aria-label="Make a token">
        <div class="field"><label for="token-name">Name</label><input id="token-name" autocomplete="off" aria-invalid=${e.name ? 'true' : 'false'} aria-describedby="token-name-error" /><p class="field-error" id="token-name-error">${e.name ?? ''}</p></div>
        <div class="field"><label for="token-owner">Owner</label><select id="token-owner">${this.users.map((user) => html`<option value=${user.name} ?selected=${user.name === self}>${user.name} (${user.role})</option>`)}</select><p class="field-error">${e.owner ?? ''}</p></div>
        <div class="field"><label for="token-expires">Expires (optional)</label><input id="token-expires" type="date" aria-invalid=${e.expiresAt ? 'true' : 'false'} aria-describedby="token-expires-error" /><p class="field-error" id="token-expires-error">${e.expiresAt ?? ''}</p></div>
        <div class="field"><button class="btn primary" type="submit">Make token</button><p class="field-error"></p></div>
      </form>
      ${this.tokens.length === 0
        ? html`<p class="hint">No tokens yet.</p>`
        : html`<table>
            <caption class="visually-hidden">API tokens</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Owner</th><th scope="col">Made</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${this.tokens.map(
                (token) => html`<tr data-token=${token.id}>
                  <td>${token.name}</td>
                  <td>${token.owner}</td>
                  <td>${localTime(token.createdAt)}</td>
                  <td>${token.lastUsedAt ? localTime(token.lastUsedAt) : 'never'}</td>
                  <td>${token.expiresAt ? localTime(token.expiresAt) : 'never'}</td>
                  <td class="actions"><button class="btn danger" type="button" @click=${() => void this.handleRevoke(token)}>Revoke<span class="visually-hidden"> ${token.name}</span></button></td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }
}

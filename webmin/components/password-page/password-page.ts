/**
 * `<qj-password-page>`: anyone changes their own password, giving the current one. The service
 * then ends this user's sessions, this one included, so the page says to sign in again.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ApiError, failureText } from '../../api.js';
import { me } from '../../lib/session.js';
import { sharedStyles } from '../shared.styles.js';
import { adminPageStyles } from '../users-page/users-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-password-page': PasswordPage;
  }
}

@customElement('qj-password-page')
export class PasswordPage extends LitElement {
  static override styles = [sharedStyles, adminPageStyles];

  @state() private errors: Record<string, string> = {};
  @state() private failed = '';
  @query('#current-password') private currentInput!: HTMLInputElement;
  @query('#next-password') private nextInput!: HTMLInputElement;

  private async handleSubmit(event: Event): Promise<void> {
    event.preventDefault();
    this.errors = {};
    this.failed = '';
    try {
      await api.changeMyPassword(this.currentInput.value, this.nextInput.value);
      // Every session of this user has ended: the next call shows the login page.
      await api.me();
    } catch (error) {
      if (error instanceof ApiError && error.field) this.errors = { [error.field]: error.message };
      else this.failed = failureText('Not changed', error) ?? this.failed;
    }
  }

  override render(): TemplateResult {
    const e = this.errors;
    return html`
      <h1>My password</h1>
      <p class="hint">Signed in as ${me()?.name}. A new password ends all your sessions, this one too; sign in again with it.</p>
      ${this.failed ? html`<p class="message alert" role="alert">${this.failed}</p>` : nothing}
      <form @submit=${this.handleSubmit} novalidate aria-label="Change my password">
        <div class="field"><label for="current-password">Current password</label><input id="current-password" type="password" autocomplete="current-password" aria-invalid=${e.current ? 'true' : 'false'} aria-describedby="current-password-error" /><p class="field-error" id="current-password-error">${e.current ?? ''}</p></div>
        <div class="field"><label for="next-password">New password</label><input id="next-password" type="password" autocomplete="new-password" aria-invalid=${e.password ? 'true' : 'false'} aria-describedby="next-password-error" /><p class="field-error" id="next-password-error">${e.password ?? ''}</p></div>
        <div class="field"><button class="btn primary" type="submit">Change password</button><p class="field-error"></p></div>
      </form>
    `;
  }
}

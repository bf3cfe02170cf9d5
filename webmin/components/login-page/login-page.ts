/** `<qj-login-page>`: the user name and password form. Fires `qj-logged-in` once the service set the session cookie. */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ApiError } from '../../api.js';
import { sharedStyles } from '../shared.styles.js';
import { loginPageStyles } from './login-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-login-page': LoginPage;
  }
}

@customElement('qj-login-page')
export class LoginPage extends LitElement {
  static override styles = [sharedStyles, loginPageStyles];

  @state() private error = '';
  @state() private busy = false;
  @query('#password') private passwordInput!: HTMLInputElement;
  @query('#user-name') private nameInput!: HTMLInputElement;

  protected override firstUpdated(): void {
    this.nameInput.focus();
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const password = this.passwordInput.value;
    const name = this.nameInput.value.trim() || 'admin';
    if (!password) {
      this.error = 'Enter your password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await api.login(name, password);
      this.dispatchEvent(new CustomEvent('qj-logged-in', { bubbles: true, composed: true }));
    } catch (error) {
      this.error =
        error instanceof ApiError && error.code === 'bad_password'
          ? 'That user name and password do not match. Try again.'
          : error instanceof ApiError
            ? error.message
            : 'Logging in failed.';
      this.passwordInput.select();
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    return html`
      <form class="card" @submit=${this.handleSubmit} novalidate>
        <h1>Log in</h1>
        <p>Sign in to this quickjobs service with your user name and password.</p>
        <div>
          <label for="user-name">User name</label>
          <input id="user-name" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" value="admin" />
        </div>
        <div>
          <label for="password">Password</label>
          <input
            id="password"
            type="password"
            autocomplete="current-password"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby="login-error"
          />
          <p id="login-error" class="field-error" role="alert">${this.error}</p>
        </div>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    `;
  }
}

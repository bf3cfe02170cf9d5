/**
 * `<qj-users-page>` (admins): who may sign in, with which role. Add a user, change a role or set a
 * new password (which ends that user's sessions), remove a user. The last admin cannot be demoted
 * or removed; the service says so and the page shows it.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, ApiError, failureText, type Role, type User } from '../../api.js';
import { localTime } from '../../lib/time-format.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { sharedStyles } from '../shared.styles.js';
import { adminPageStyles } from './users-page.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-users-page': UsersPage;
  }
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'editor', 'admin'];

@customElement('qj-users-page')
export class UsersPage extends LitElement {
  static override styles = [sharedStyles, adminPageStyles];

  @state() private users: User[] = [];
  @state() private message: { kind: 'ok' | 'error'; text: string } | null = null;
  @state() private errors: Record<string, string> = {};
  @query('#user-name') private nameInput!: HTMLInputElement;
  @query('#user-role') private roleInput!: HTMLSelectElement;
  @query('#user-password') private passwordInput!: HTMLInputElement;
  @query('#password-user') private passwordUser!: HTMLSelectElement;
  @query('#new-password') private newPassword!: HTMLInputElement;
  @query('qj-confirm-dialog') private confirm!: ConfirmDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.users = await api.listUsers();
    } catch (error) {
      this.fail('The users could not be loaded', error);
    }
  }

  private fail(what: string, error: unknown): void {
    const text = failureText(what, error);
    if (text !== null) this.message = { kind: 'error', text };
  }

  private async handleAdd(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.nameInput.value.trim();
    this.errors = {};
    try {
      await api.createUser(name, this.roleInput.value as Role, this.passwordInput.value);
      this.nameInput.value = '';
      this.passwordInput.value = '';
      this.message = { kind: 'ok', text: `Added ${name}.` };
      await this.load();
    } catch (error) {
      if (error instanceof ApiError && error.field) this.errors = { [error.field]: error.message };
      else this.fail('Not added', error);
    }
  }

  private async handleRole(user: User, role: Role): Promise<void> {
    try {
      await api.updateUser(user.name, { role });
      this.message = { kind: 'ok', text: `${user.name} is now ${role}.` };
    } catch (error) {
      this.fail(`${user.name} keeps the ${user.role} role`, error);
    }
    await this.load();
  }

  private async handlePassword(event: Event): Promise<void> {
    event.preventDefault();
    const name = this.passwordUser.value;
    this.errors = {};
    try {
      await api.updateUser(name, { password: this.newPassword.value });
      this.newPassword.value = '';
      this.message = { kind: 'ok', text: `Changed ${name}'s password; their sessions have ended.` };
    } catch (error) {
      if (error instanceof ApiError && error.field === 'password') this.errors = { newPassword: error.message };
      else this.fail('Password not changed', error);
    }
  }

  /** Picks the user in the password form and puts the focus in it. */
  private handleSetPassword(user: User): void {
    this.passwordUser.value = user.name;
    this.newPassword.focus();
  }

  private async handleRemove(user: User): Promise<void> {
    if (!(await this.confirm.ask('Remove user', `Remove ${user.name}? Their sessions end and their API tokens are revoked.`, `Remove ${user.name}`))) return;
    try {
      await api.deleteUser(user.name);
      this.message = { kind: 'ok', text: `Removed ${user.name}.` };
      await this.load();
      this.nameInput.focus();
    } catch (error) {
      this.fail('Not removed', error);
    }
  }

  private field(id: string, label: string, control: TemplateResult, error = ''): TemplateResult {
    return html`<div class="field"><label for=${id}>${label}</label>${control}<p class="field-error" id=${`${id}-error`}>${error}</p></div>`;
  }

  override render(): TemplateResult {
    const e = this.errors;
    return html`
      <h1>Users</h1>
      <p class="hint">Viewers read everything but secret values; operators also run, cancel, reload and switch jobs on and off; editors also change jobs, code and periods; admins also manage users, tokens and secrets.</p>
      ${this.message ? html`<p class="message ${this.message.kind === 'error' ? 'alert' : 'notice'}" role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      <form @submit=${this.handleAdd} novalidate aria-label="Add a user">
        ${this.field('user-name', 'Name', html`<input id="user-name" autocomplete="off" spellcheck="false" aria-invalid=${e.name ? 'true' : 'false'} aria-describedby="user-name-error" />`, e.name)}
        ${this.field('user-role', 'Role', html`<select id="user-role">${ROLES.map((role) => html`<option value=${role}>${role}</option>`)}</select>`, e.role)}
        ${this.field('user-password', 'Password', html`<input id="user-password" type="password" autocomplete="new-password" aria-invalid=${e.password ? 'true' : 'false'} aria-describedby="user-password-error" />`, e.password)}
        <div class="field"><button class="btn primary" type="submit">Add user</button><p class="field-error"></p></div>
      </form>
      <table>
        <caption class="visually-hidden">Users</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Last signed in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${this.users.map(
            (user) => html`<tr data-user=${user.name}>
              <td>${user.name}</td>
              <td>
                <select aria-label=${`Role of ${user.name}`} @change=${(event: Event) => void this.handleRole(user, (event.target as HTMLSelectElement).value as Role)}>
                  ${ROLES.map((role) => html`<option value=${role} ?selected=${role === user.role}>${role}</option>`)}
                </select>
              </td>
              <td>${user.lastLoginAt ? localTime(user.lastLoginAt) : 'never'}</td>
              <td class="actions">
                <button class="btn" type="button" @click=${() => this.handleSetPassword(user)}>Set password<span class="visually-hidden"> of ${user.name}</span></button>
                <button class="btn danger" type="button" @click=${() => void this.handleRemove(user)}>Remove<span class="visually-hidden"> ${user.name}</span></button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      <h2>Set a password</h2>
      <form @submit=${this.handlePassword} novalidate aria-label="Set a user's password">
        ${this.field('password-user', 'User', html`<select id="password-user">${this.users.map((user) => html`<option value=${user.name}>${user.name}</option>`)}</select>`)}
        ${this.field('new-password', 'New password', html`<input id="new-password" type="password" autocomplete="new-password" aria-invalid=${e.newPassword ? 'true' : 'false'} aria-describedby="new-password-error" />`, e.newPassword)}
        <div class="field"><button class="btn primary" type="submit">Set password</button><p class="field-error"></p></div>
      </form>
      <p class="hint">A new password ends that user's open sessions; their API tokens keep working.</p>
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }
}

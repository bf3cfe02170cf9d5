/**
 * `<qj-app>`: the shell. Checks the session, shows the login page or the routed view, and guards
 * unsaved code when the route changes. It also owns the one `<qj-code-editor>` element, which it
 * keeps in its own light DOM (so in the document, outside every shadow root, as Monaco needs) and
 * slots into the editor page.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { href, parseRoute, type Route } from '../../lib/routes.js';
import { sharedStyles } from '../shared.styles.js';
import { appShellStyles } from './app-shell.styles.js';
import '../login-page/login-page.js';
import '../jobs-page/jobs-page.js';
import '../job-form/job-form.js';
import '../editor-page/editor-page.js';
import '../periods-page/periods-page.js';
import '../runs-page/runs-page.js';
import '../dashboard-page/dashboard-page.js';
import '../secrets-page/secrets-page.js';
import '../users-page/users-page.js';
import '../tokens-page/tokens-page.js';
import '../audit-page/audit-page.js';
import '../password-page/password-page.js';
import { may, me, setMe } from '../../lib/session.js';

/**
 * The shell assumes a session and shows the route at once; the first API call that answers 401
 * switches to the login page. That saves a round trip before the jobs page can ask for its jobs.
 */
type AuthState = 'in' | 'out';

declare global {
  interface HTMLElementTagNameMap {
    'qj-app': AppShell;
  }
  interface GlobalEventHandlersEventMap {
    /** The user logged in. */
    'qj-logged-in': CustomEvent<void>;
    /** The editor's code differs from the saved code (detail: the job's name), or no longer does (null). */
    'qj-unsaved-change': CustomEvent<string | null>;
  }
  interface WindowEventMap {
    /** An API call answered 401: the session is gone. */
    'qj-unauthorized': CustomEvent<void>;
  }
}

@customElement('qj-app')
export class AppShell extends LitElement {
  static override styles = [sharedStyles, appShellStyles];

  @state() private auth: AuthState = 'in';
  /** Who is signed in: the pages show only what the role may do, so they wait for it. */
  @state() private known = false;
  @state() private route: Route = parseRoute(location.hash);
  /** The job whose code has unsaved changes, if any. */
  private unsavedJob: string | null = null;
  private codeEditor: HTMLElement | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.handleHashChange);
    window.addEventListener('qj-unauthorized', this.handleUnauthorized);
    this.addEventListener('qj-unsaved-change', this.handleUnsavedChange);
    void this.loadMe();
  }

  private async loadMe(): Promise<void> {
    try {
      setMe(await api.me());
      this.known = true;
    } catch {
      // A 401 has switched to the login page already.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.handleHashChange);
    window.removeEventListener('qj-unauthorized', this.handleUnauthorized);
    this.removeEventListener('qj-unsaved-change', this.handleUnsavedChange);
  }

  private currentHash = location.hash;

  private handleHashChange = (): void => {
    const next = parseRoute(location.hash);
    const leavingCode = this.unsavedJob !== null && !(next.page === 'code' && next.name === this.unsavedJob);
    if (leavingCode && !window.confirm(`The code of ${this.unsavedJob} has unsaved changes. Leave without saving them?`)) {
      // Put the address back without another hashchange, and stay.
      history.replaceState(null, '', this.currentHash || '#/');
      return;
    }
    if (leavingCode) this.unsavedJob = null;
    this.currentHash = location.hash;
    this.route = next;
    window.scrollTo(0, 0);
  };

  private handleUnauthorized = (): void => {
    this.auth = 'out';
    this.known = false;
    setMe(null);
  };

  private handleUnsavedChange = (event: CustomEvent<string | null>): void => {
    this.unsavedJob = event.detail;
  };

  private handleLoggedIn = (): void => {
    this.auth = 'in';
    void this.loadMe();
  };

  private async handleLogout(): Promise<void> {
    if (this.unsavedJob && !window.confirm(`The code of ${this.unsavedJob} has unsaved changes. Log out without saving them?`)) return;
    try {
      await api.logout();
    } catch {
      // Logged out or not, the login page is where the user wanted to go.
    }
    this.unsavedJob = null;
    this.auth = 'out';
    this.known = false;
    setMe(null);
  }

  /** The editor element is made on the first visit to an editor view and kept for the next ones. */
  private ensureCodeEditor(): void {
    if (this.codeEditor) return;
    this.codeEditor = document.createElement('qj-code-editor');
    this.codeEditor.slot = 'editor';
    this.append(this.codeEditor);
  }

  override render(): TemplateResult {
    return html`
      <a class="skip" href="#main" @click=${this.handleSkip}>Skip to content</a>
      <header>
        <a class="brand" href=${href({ page: 'dashboard' })}>quick<span>jobs</span></a>
        ${this.auth === 'in'
          ? html`<nav class="pages" aria-label="Pages">
                ${this.navLink('Dashboard', 'dashboard')} ${this.navLink('Jobs', 'jobs')} ${this.navLink('Runs', 'runs')}
                ${this.navLink('Periods', 'periods')} ${this.navLink('Secrets', 'secrets')}
                ${may('editor') ? this.navLink('Audit', 'audit') : null}
                ${may('admin') ? html`${this.navLink('Users', 'users')} ${this.navLink('Tokens', 'tokens')}` : null}
              </nav>
              <nav aria-label="Account">
                ${me() && me()!.via === 'webmin'
                  ? html`<a class="who" href=${href({ page: 'password' })} title="Change my password">${me()!.name} <span class="role">(${me()!.role})</span></a>`
                  : null}
                <button class="btn" type="button" @click=${this.handleLogout}>Log out</button>
              </nav>`
          : null}
      </header>
      <main id="main" tabindex="-1">${this.renderMain()}</main>
    `;
  }

  private navLink(label: string, page: 'dashboard' | 'jobs' | 'runs' | 'periods' | 'secrets' | 'users' | 'tokens' | 'audit'): TemplateResult {
    const current = this.route.page === page;
    const target = page === 'runs' ? href({ page, query: '' }) : href({ page });
    return html`<a href=${target} aria-current=${current ? 'page' : 'false'}>${label}</a>`;
  }

  private handleSkip(event: Event): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  private renderMain(): TemplateResult {
    if (this.auth === 'out') return html`<qj-login-page @qj-logged-in=${this.handleLoggedIn}></qj-login-page>`;
    if (!this.known) return html`<p class="hint" role="status">Loading…</p>`;
    return this.renderRoute();
  }

  private renderRoute(): TemplateResult {
    const route = this.route;
    switch (route.page) {
      case 'dashboard':
        return html`<qj-dashboard-page></qj-dashboard-page>`;
      case 'runs':
        return html`<qj-runs-page .query=${route.query}></qj-runs-page>`;
      case 'jobs':
        return html`<qj-jobs-page></qj-jobs-page>`;
      case 'new':
        return html`<qj-job-form></qj-job-form>`;
      case 'job':
        return html`<qj-job-form .jobName=${route.name}></qj-job-form>`;
      case 'periods':
        return html`<qj-periods-page .periodName=${route.name}></qj-periods-page>`;
      case 'secrets':
        return html`<qj-secrets-page></qj-secrets-page>`;
      case 'users':
        return html`<qj-users-page></qj-users-page>`;
      case 'tokens':
        return html`<qj-tokens-page></qj-tokens-page>`;
      case 'audit':
        return html`<qj-audit-page></qj-audit-page>`;
      case 'password':
        return html`<qj-password-page></qj-password-page>`;
      case 'code':
        this.ensureCodeEditor();
        return html`<qj-editor-page .jobName=${route.name} .codeEditor=${this.codeEditor}>
          <slot name="editor" slot="code"></slot>
        </qj-editor-page>`;
    }
  }
}

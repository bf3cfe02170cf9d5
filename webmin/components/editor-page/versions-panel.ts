/**
 * `<qj-versions-panel>`: a job's saved code versions (when, who), each one to compare with the
 * code in the editor (Monaco's diff editor, in place of the editor) or to restore, after a
 * confirmation, as a new version.
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, ApiError, type CodeVersionInfo } from '../../api.js';
import { localTime, utcTime } from '../../lib/time-format.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-versions-panel': VersionsPanel;
  }
  interface GlobalEventHandlersEventMap {
    /** Show version `detail.version`'s code against the editor's (`code` null: close the comparison). */
    'qj-compare-version': CustomEvent<{ version: number; code: string | null }>;
    /** A version was restored as version `detail`: the editor should load it. */
    'qj-version-restored': CustomEvent<number>;
  }
}


@customElement('qj-versions-panel')
export class VersionsPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ol { list-style: none; padding: 0; margin: 0; max-height: 18rem; overflow: auto; }
      li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; padding: 0.35rem 0; border-bottom: 1px solid var(--qj-border); font-size: 0.9rem; }
      li .what { flex: 1 1 10rem; }
      li .btn { min-height: 1.9rem; padding: 0.2rem 0.6rem; }
      li[aria-current='true'] { background: #eef4ff; }
      .muted { color: var(--qj-muted); }
      .alert { color: var(--qj-danger); }
    `,
  ];

  @property() jobName = '';
  /** The newest saved version: reloads the list when it changes. */
  @property({ type: Number }) current = 0;
  @state() private versions: CodeVersionInfo[] = [];
  @state() private comparing: number | null = null;
  @state() private error = '';
  @query('qj-confirm-dialog') private confirmDialog!: ConfirmDialog;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('jobName') || changed.has('current')) && this.jobName) void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.versions = await api.listVersions(this.jobName);
      this.error = '';
    } catch (error) {
      if (error instanceof ApiError && error.status !== 401) this.error = `The versions could not be loaded: ${error.message}`;
    }
  }

  private async compare(version: number): Promise<void> {
    if (this.comparing === version) {
      this.comparing = null;
      this.emitCompare(version, null);
      return;
    }
    try {
      const code = await api.getVersion(this.jobName, version);
      this.comparing = version;
      this.emitCompare(version, code.code);
    } catch (error) {
      if (error instanceof ApiError) this.error = error.message;
    }
  }

  private emitCompare(version: number, code: string | null): void {
    this.dispatchEvent(new CustomEvent('qj-compare-version', { detail: { version, code }, bubbles: true, composed: true }));
  }

  /** Called by the page when it closes the comparison itself (a load, a save). */
  closed(): void {
    this.comparing = null;
  }

  private async restore(version: number): Promise<void> {
    const confirmed = await this.confirmDialog.ask(
      `Restore version ${version}?`,
      `The code of version ${version} is saved as a new version of ${this.jobName} and runs from the next run on. Unsaved changes in the editor are replaced.`,
      `Restore version ${version}`,
    );
    if (!confirmed) return;
    try {
      const { version: saved } = await api.restoreVersion(this.jobName, version);
      this.comparing = null;
      this.dispatchEvent(new CustomEvent('qj-version-restored', { detail: saved, bubbles: true, composed: true }));
    } catch (error) {
      if (error instanceof ApiError) this.error = `Version ${version} could not be restored: ${error.message}`;
    }
  }

  override render(): TemplateResult {
    return html`
      ${this.error ? html`<p class="alert" role="alert">${this.error}</p>` : nothing}
      ${this.versions.length === 0
        ? html`<p class="muted">Loading…</p>`
        : html`<ol>
            ${this.versions.map(
              (v) => html`<li data-version=${v.version} aria-current=${this.comparing === v.version ? 'true' : 'false'}>
                <span class="what">v${v.version}${v.version === this.current ? ' (current)' : ''},
                  <time datetime=${v.savedAt} title=${utcTime(v.savedAt)}>${localTime(v.savedAt)}</time>,
                  <span class="muted">${v.by ?? 'jobs folder'}</span></span>
                <button class="btn compare" type="button" aria-pressed=${this.comparing === v.version ? 'true' : 'false'} @click=${() => void this.compare(v.version)}>
                  ${this.comparing === v.version ? 'Close comparison' : 'Compare'}<span class="sr-only"> version ${v.version}</span>
                </button>
                ${v.version === this.current || !may('editor')
                  ? nothing
                  : html`<button class="btn restore" type="button" @click=${() => void this.restore(v.version)}>Restore<span class="sr-only"> version ${v.version}</span></button>`}
              </li>`,
            )}
          </ol>`}
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }
}

/**
 * `<qj-editor-page>`: a job's code in Monaco, saved with Ctrl/Cmd+S (against the version it was
 * opened at), autosaved after a minute without typing, guarded against loss on navigation and tab
 * close, syntax errors and broken code rules marked at their line; Run draft tries the draft
 * safely (its database writes rolled back, its emails, posts and data writes held) and shows its
 * result, log and what it held beside the code, above the job's recent runs (the running one
 * live); Run live, after a confirmation, runs the draft for real.
 *
 * Monaco itself is the `<qj-code-editor>` element the shell keeps in the document and slots in
 * here as `code`; this page only talks to it.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, ApiError, failureText, type Job, type Run, type RunMode } from '../../api.js';
import { JOB_TEMPLATE } from '../../lib/job-template.js';
import { href } from '../../lib/routes.js';
import type { CodeEditor } from '../code-editor/code-editor.js';
import type { ConfirmDialog } from '../confirm-dialog/confirm-dialog.js';
import '../confirm-dialog/confirm-dialog.js';
import '../held-list/held-list.js';
import '../run-list/run-list.js';
import '../status-icon/status-icon.js';
import { sharedStyles } from '../shared.styles.js';
import { may } from '../../lib/session.js';
import { editorPageStyles } from './editor-page.styles.js';
import { RecentRuns } from './recent-runs.js';
import './versions-panel.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-editor-page': EditorPage;
  }
}

type Message = { kind: 'error' | 'ok'; text: string; conflict?: boolean };

const isMac = /Mac|iPhone|iPad/.test(navigator.platform);

@customElement('qj-editor-page')
export class EditorPage extends LitElement {
  static override styles = [sharedStyles, editorPageStyles];

  /** The job whose code to edit. */
  @property({ attribute: false }) jobName = '';
  /** The shell's `<qj-code-editor>` element, slotted in as `code`. */
  @property({ attribute: false }) codeEditor: HTMLElement | null = null;
  /** How long typing must pause before unsaved code is saved by itself. */
  @property({ type: Number }) autosaveMs = 60_000;

  @state() private job: Job | null = null;
  @state() private loading = true;
  @state() private dirty = false;
  @state() private saving = false;
  @state() private running = false;
  @state() private savedVersion = 0;
  @state() private message: Message | null = null;
  @state() private draftRun: Run | null = null;
  @query('qj-confirm-dialog') private confirm!: ConfirmDialog;
  private savedCode = '';
  private editor: CodeEditor | null = null;
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  private loads = 0;
  private readonly recentRuns = new RecentRuns(this, (job) => (this.job = job));

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.handleWindowKeydown);
    window.addEventListener('beforeunload', this.handleBeforeUnload);
    this.addEventListener('qj-compare-version', this.handleCompare);
    this.addEventListener('qj-version-restored', this.handleRestored);
  }

  private handleCompare = (event: CustomEvent<{ version: number; code: string | null }>): void => {
    if (!this.editor) return;
    if (event.detail.code === null) this.editor.closeDiff();
    else this.editor.showDiff(event.detail.code, `Version ${event.detail.version}`);
  };

  private handleRestored = (): void => {
    this.editor?.closeDiff();
    void this.load();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.handleWindowKeydown);
    window.removeEventListener('beforeunload', this.handleBeforeUnload);
    this.removeEventListener('qj-compare-version', this.handleCompare);
    this.removeEventListener('qj-version-restored', this.handleRestored);
    this.editor?.closeDiff();
    this.detachEditor();
    clearTimeout(this.autosaveTimer);
    this.reportUnsaved(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('jobName') || changed.has('codeEditor')) && this.jobName && this.codeEditor) void this.load();
  }

  private async load(): Promise<void> {
    const load = ++this.loads;
    const name = this.jobName;
    this.loading = true;
    this.message = null;
    this.draftRun = null;
    this.setDirty(false);
    this.recentRuns.show(name);
    try {
      const [job, code] = await Promise.all([api.getJob(name), api.getCode(name), import('../code-editor/code-editor.js')]);
      await customElements.whenDefined('qj-code-editor');
      const editor = this.codeEditor as CodeEditor;
      await editor.ready;
      if (load !== this.loads) return;
      this.attachEditor(editor);
      this.job = job;
      this.savedVersion = code.version;
      this.savedCode = code.code;
      editor.setParams(job.params);
      editor.open(name, code.code || JOB_TEMPLATE, job.language);
      this.setDirty(editor.value !== this.savedCode);
      this.loading = false;
      editor.focus();
    } catch (error) {
      if (load !== this.loads) return;
      this.message = {
        kind: 'error',
        text: error instanceof ApiError && error.code === 'not_found' ? `There is no job called ${name}.` : `The code could not be loaded: ${errorText(error)}`,
      };
    }
  }

  private attachEditor(editor: CodeEditor): void {
    if (this.editor === editor) return;
    this.detachEditor();
    this.editor = editor;
    editor.addEventListener('qj-code-change', this.handleCodeChange);
    editor.addEventListener('qj-code-save', this.handleSaveKey);
  }

  private detachEditor(): void {
    this.editor?.removeEventListener('qj-code-change', this.handleCodeChange);
    this.editor?.removeEventListener('qj-code-save', this.handleSaveKey);
    this.editor = null;
  }

  private setDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.reportUnsaved(dirty);
  }

  private reportUnsaved(dirty: boolean): void {
    this.dispatchEvent(new CustomEvent('qj-unsaved-change', { detail: dirty ? this.jobName : null, bubbles: true, composed: true }));
  }

  private handleCodeChange = (): void => {
    if (!this.editor || this.loading) return;
    this.setDirty(this.editor.value !== this.savedCode);
    clearTimeout(this.autosaveTimer);
    if (this.dirty) this.autosaveTimer = setTimeout(() => void this.save('autosave'), this.autosaveMs);
  };

  private handleSaveKey = (): void => void this.save('key');

  /** Ctrl/Cmd+S outside Monaco too (Monaco handles its own and marks the event handled). */
  private handleWindowKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.key.toLowerCase() !== 's' || !(event.ctrlKey || event.metaKey) || event.altKey) return;
    event.preventDefault();
    void this.save('key');
  };

  private handleBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (!this.dirty) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  };

  /** Saves the code against the version it was opened at; `overwrite` drops that check. */
  private async save(why: 'key' | 'button' | 'autosave' | 'overwrite'): Promise<void> {
    const editor = this.editor;
    if (!editor || this.saving || this.loading) return;
    clearTimeout(this.autosaveTimer);
    const code = editor.value;
    if (code === this.savedCode && why !== 'overwrite') {
      this.message = { kind: 'ok', text: `Nothing to save: this is version ${this.savedVersion}.` };
      return;
    }
    this.saving = true;
    try {
      const { version } = await api.saveCode(this.jobName, code, why === 'overwrite' ? undefined : this.savedVersion);
      this.savedVersion = version;
      this.savedCode = code;
      this.setDirty(editor.value !== code);
      editor.markSyntaxError(null);
      this.message = { kind: 'ok', text: `${why === 'autosave' ? 'Saved by itself after a minute without typing' : 'Saved'}: version ${version}.` };
    } catch (error) {
      this.showSaveError(error);
    } finally {
      this.saving = false;
    }
  }

  private showSaveError(error: unknown): void {
    if (error instanceof ApiError && error.code === 'syntax_error') {
      const line = error.line ?? 1;
      this.editor?.markSyntaxError({ message: error.message, line, column: error.column });
      this.message = { kind: 'error', text: `Not saved: the code has a syntax error on line ${line}: ${error.message}` };
    } else if (error instanceof ApiError && error.code === 'policy') {
      this.markPolicy(error, 'Not saved');
    } else if (error instanceof ApiError && error.code === 'conflict') {
      this.message = {
        kind: 'error',
        conflict: true,
        text: 'Not saved: someone else saved this job’s code after you opened it. Overwrite their version with yours, or copy your changes and reload the page.',
      };
    } else {
      const text = failureText('Not saved', error);
      if (text !== null) this.message = { kind: 'error', text };
    }
  }

  /** A rule of QUICKJOBS_CODE_RULES refused the code: marked at its line like a syntax error. */
  private markPolicy(error: ApiError, what: string): void {
    const line = error.line ?? 1;
    this.editor?.markSyntaxError({ message: error.message, line, column: error.column });
    this.message = { kind: 'error', text: `${what}: line ${line} breaks a code rule of this service: ${error.message}` };
  }

  /** Run live asks first: the draft then writes, sends and posts for real. */
  private async handleRunLive(): Promise<void> {
    if (!this.editor || this.running) return;
    const sure = await this.confirm.ask(
      'Run the draft live?',
      `The draft of ${this.jobName} will run for real: its database writes are kept, its emails and requests are sent and its data is saved.`,
      'Run live',
    );
    if (sure) await this.handleRun('live');
  }

  private async handleRun(mode: RunMode = 'safe'): Promise<void> {
    if (!this.editor || this.running) return;
    this.running = true;
    this.message = null;
    try {
      this.draftRun = await api.runJob(this.jobName, this.editor.value, mode);
      void this.recentRuns.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'syntax_error') {
        this.editor.markSyntaxError({ message: error.message, line: error.line ?? 1, column: error.column });
        this.message = { kind: 'error', text: `Not run: the code has a syntax error on line ${error.line ?? 1}: ${error.message}` };
      } else if (error instanceof ApiError && error.code === 'policy') {
        this.markPolicy(error, 'Not run');
      } else if (error instanceof ApiError && error.code === 'already_running') {
        this.message = { kind: 'error', text: 'Not run: the job is running right now. Try again when that run ends.' };
      } else {
        const text = failureText('The run failed to start', error);
        if (text !== null) this.message = { kind: 'error', text };
      }
    } finally {
      this.running = false;
    }
  }

  /** Save and the draft runs: an editor's (a draft is unsaved code). */
  private renderEditButtons(saveKey: string): TemplateResult {
    return html`<button class="btn primary" type="button" @click=${() => void this.save('button')} ?disabled=${this.loading || this.saving}>
        Save <kbd>${saveKey}</kbd>
      </button>
      <!-- The run buttons stay focusable while a run is on (aria-disabled, the handlers ignore them):
           disabling the button that has the focus would drop a keyboard user's place. -->
      <button class="btn run-safe" type="button" @click=${() => void this.handleRun('safe')} ?disabled=${this.loading} aria-disabled=${this.running ? 'true' : 'false'}
        title="Run the code as it is in the editor, without saving it; database writes are rolled back, emails, posts and data writes held">${this.running ? 'Running…' : 'Run draft'}</button>
      <button class="btn danger run-live" type="button" @click=${() => void this.handleRunLive()} ?disabled=${this.loading} aria-disabled=${this.running ? 'true' : 'false'}
        title="Run the draft for real, after a confirmation">Run live…</button>`;
  }

  override render(): TemplateResult {
    const saveKey = isMac ? '⌘S' : 'Ctrl+S';
    return html`
      <div class="top">
        <h1>${this.jobName} <small>code</small></h1>
        ${this.job ? html`<qj-status-icon .status=${this.job.status} .running=${this.job.running}></qj-status-icon>` : nothing}
        <span class="state ${this.dirty ? 'dirty' : ''}" role="status" data-save-state=${this.dirty ? 'dirty' : 'saved'}>
          ${this.loading ? 'Loading…' : this.saving ? 'Saving…' : this.dirty ? 'Unsaved changes' : `Saved, version ${this.savedVersion}`}
        </span>
        <div class="buttons">
          ${may('editor') ? this.renderEditButtons(saveKey) : html`<span class="hint">Read only: your role may not change or run code.</span>`}
          <a class="btn" href=${href({ page: 'job', name: this.jobName })}>Settings</a>
          <a class="btn" href=${href({ page: 'jobs' })}>Jobs</a>
        </div>
      </div>
      ${this.message
        ? html`<div class="message ${this.message.kind === 'error' ? 'alert' : 'notice'}" role=${this.message.kind === 'error' ? 'alert' : 'status'}>
            <span>${this.message.text}</span>
            ${this.message.conflict ? html`<button class="btn danger" type="button" @click=${() => void this.save('overwrite')}>Overwrite</button>` : nothing}
          </div>`
        : nothing}
      <div class="layout">
        <div class="code-column">
          <div class="code"><slot name="code"></slot></div>
          <p class="hint">Tab indents in the editor; press ${isMac ? 'Ctrl+Shift+M' : 'Ctrl+M'} to make Tab move the focus instead. Ctrl+Space lists what <code>core</code> and <code>job</code> offer.</p>
        </div>
        <aside aria-label="Runs">
          <section class="card draft" aria-labelledby="draft-heading">
            <h2 id="draft-heading">Draft run</h2>
            ${this.running
              ? html`<p role="status">Running the draft…</p>`
              : html`<qj-run-list .runs=${this.draftRun ? [this.draftRun] : []} empty="Run draft runs the code in the editor without saving it, holding its side effects; its result, log and what it held show here."></qj-run-list>`}
            ${!this.running && this.draftRun?.held
              ? html`<div class="held" role="region" aria-label="What the draft held"><qj-held-list .held=${this.draftRun.held}></qj-held-list></div>`
              : !this.running && this.draftRun
                ? html`<p class="live-note" role="status">This draft ran live: what it did was done.</p>`
                : nothing}
          </section>
          <section class="card versions" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            <qj-versions-panel .jobName=${this.jobName} .current=${this.savedVersion}></qj-versions-panel>
          </section>
          <section class="card recent" aria-labelledby="recent-heading">
            <h2 id="recent-heading">Recent runs</h2>
            ${this.recentRuns.error ? html`<p class="alert" role="alert">${this.recentRuns.error}</p>` : nothing}
            <qj-run-list .runs=${this.recentRuns.runs} empty="This job has not run yet."></qj-run-list>
          </section>
        </aside>
      </div>
      <qj-confirm-dialog></qj-confirm-dialog>
    `;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

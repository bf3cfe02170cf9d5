/**
 * `<qj-code-editor>`: Monaco for one job's script. It lives in light DOM and in the document itself
 * (slotted into the editor page), because Monaco's hovers and CSS break inside any shadow root.
 * Loaded lazily, so Monaco costs nothing until the first editor view.
 */
import { LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { codeEditorCss } from './code-editor.styles.js';
import type { JobLanguage } from '../../api-types.js';
import { configureMonaco, declareJobParams, loadEditorCss, monaco } from './monaco-setup.js';
import { typeOf } from '../../lib/param-rows.js';

/** Markers the service's syntax check puts on the code, apart from the TypeScript service's own. */
const SERVICE_OWNER = 'quickjobs';

export interface SyntaxErrorMark {
  message: string;
  line: number;
  column?: number;
}

export interface EditorMarker {
  owner: string;
  message: string;
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
}

declare global {
  interface HTMLElementTagNameMap {
    'qj-code-editor': CodeEditor;
  }
  interface GlobalEventHandlersEventMap {
    /** The user changed the code. */
    'qj-code-change': CustomEvent<void>;
    /** The user pressed Ctrl/Cmd+S in the editor. */
    'qj-code-save': CustomEvent<void>;
  }
  interface Window {
    /** Test hook: the editor as tests drive it, since Monaco ignores `fill()`. */
    __quickjobsEditor?: {
      getValue(): string;
      setValue(code: string): void;
      markers(): EditorMarker[];
      focus(): void;
      /** Where on the page a text position is drawn (for tests that point at a word). */
      pointAt(line: number, column: number): { x: number; y: number } | null;
      /** The original side of the diff on show, or null. */
      diffOriginal(): string | null;
    };
  }
}

const SEVERITIES: Record<number, EditorMarker['severity']> = {
  [monaco.MarkerSeverity.Error]: 'error',
  [monaco.MarkerSeverity.Warning]: 'warning',
  [monaco.MarkerSeverity.Info]: 'info',
  [monaco.MarkerSeverity.Hint]: 'hint',
};

@customElement('qj-code-editor')
export class CodeEditor extends LitElement {
  private editor: monaco.editor.IStandaloneCodeEditor | null = null;
  private diff: { editor: monaco.editor.IStandaloneDiffEditor; original: monaco.editor.ITextModel; host: HTMLElement } | null = null;
  private resolveReady!: () => void;
  /** Settles once Monaco is on screen and `open` may be called. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  /** Set while `open` replaces the text, so that is not reported as the user's change. */
  private replacing = false;
  /** The language of the job on show. */
  private language: JobLanguage = 'javascript';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.editor) return;
    void this.start();
  }

  private async start(): Promise<void> {
    if (!document.getElementById('qj-code-editor-css')) {
      const style = document.createElement('style');
      style.id = 'qj-code-editor-css';
      style.textContent = codeEditorCss;
      document.head.append(style);
    }
    configureMonaco();
    await loadEditorCss();
    const narrow = window.matchMedia('(max-width: 600px)');
    const host = document.createElement('div');
    host.className = 'qj-monaco';
    this.append(host);
    const editor = monaco.editor.create(host, {
      model: null,
      language: 'javascript',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      tabSize: 2,
      scrollBeyondLastLine: false,
      // Widgets escape the editor's box, so a short editor on a phone still shows the whole list.
      fixedOverflowWidgets: true,
      ariaLabel: 'Job code',
      // On a phone a long line would hide behind a sideways scroll; wrap it instead.
      wordWrap: narrow.matches ? 'on' : 'off',
    });
    narrow.addEventListener('change', () => editor.updateOptions({ wordWrap: narrow.matches ? 'on' : 'off' }));
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => this.emit('qj-code-save'));
    editor.onDidChangeModelContent(() => {
      if (this.replacing) return;
      const model = editor.getModel();
      // The service's syntax mark describes the saved text; once the text changes it may be wrong.
      if (model) monaco.editor.setModelMarkers(model, SERVICE_OWNER, []);
      this.emit('qj-code-change');
    });
    this.editor = editor;
    window.__quickjobsEditor = {
      getValue: () => this.value,
      setValue: (code: string) => this.replaceAll(code),
      markers: () => this.markers(),
      focus: () => editor.focus(),
      pointAt: (lineNumber: number, column: number) => {
        const at = editor.getScrolledVisiblePosition({ lineNumber, column });
        const box = editor.getDomNode()?.getBoundingClientRect();
        return at && box ? { x: box.left + at.left, y: box.top + at.top + at.height / 2 } : null;
      },
      diffOriginal: () => this.diff?.original.getValue() ?? null,
    };
    this.resolveReady();
  }

  private emit(type: 'qj-code-change' | 'qj-code-save'): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }

  /** Makes `job.params.` complete these names, typed from their current values. */
  setParams(params: Record<string, unknown>): void {
    declareJobParams(Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeOf(value)])));
  }

  /**
   * Shows `code` as job `name`'s script in its language (TypeScript gets Monaco's TypeScript mode
   * and marks), dropping the previous job's model and undo history.
   */
  open(name: string, code: string, language: JobLanguage = 'javascript'): void {
    const editor = this.requireEditor();
    this.closeDiff();
    this.language = language;
    const uri = monaco.Uri.parse(`file:///jobs/${encodeURIComponent(name)}${language === 'typescript' ? '.ts' : '.js'}`);
    const previous = editor.getModel();
    let model = monaco.editor.getModel(uri);
    if (model) {
      this.replacing = true;
      model.setValue(code);
      this.replacing = false;
    } else {
      model = monaco.editor.createModel(code, language, uri);
    }
    editor.setModel(model);
    editor.updateOptions({ ariaLabel: `Code of job ${name}` });
    if (previous && previous !== model) previous.dispose();
    monaco.editor.setModelMarkers(model, SERVICE_OWNER, []);
  }

  /**
   * Shows `original` (a saved version) against the code in the editor, in Monaco's diff editor,
   * read-only, in place of the editor until `closeDiff`.
   */
  showDiff(original: string, label: string): void {
    const editor = this.requireEditor();
    const current = editor.getModel();
    if (!current) return;
    this.closeDiff();
    const host = document.createElement('div');
    host.className = 'qj-monaco';
    const main = editor.getContainerDomNode();
    main.hidden = true;
    this.append(host);
    const originalModel = monaco.editor.createModel(original, this.language);
    const diff = monaco.editor.createDiffEditor(host, {
      automaticLayout: true,
      readOnly: true,
      originalEditable: false,
      renderSideBySide: !window.matchMedia('(max-width: 600px)').matches,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      originalAriaLabel: label,
      modifiedAriaLabel: 'The code in the editor now',
    });
    diff.setModel({ original: originalModel, modified: current });
    this.diff = { editor: diff, original: originalModel, host };
  }

  /** Back to the editor. */
  closeDiff(): void {
    if (!this.diff) return;
    const { editor, original, host } = this.diff;
    this.diff = null;
    editor.setModel(null);
    editor.dispose();
    original.dispose();
    host.remove();
    const main = this.editor?.getContainerDomNode();
    if (main) main.hidden = false;
    this.editor?.layout();
  }

  get diffShown(): boolean {
    return this.diff !== null;
  }

  get value(): string {
    return this.editor?.getValue() ?? '';
  }

  /** Replaces the whole text as one undoable edit, reported like a user's change. */
  replaceAll(code: string): void {
    const editor = this.requireEditor();
    const model = editor.getModel();
    if (!model) return;
    editor.executeEdits('quickjobs', [{ range: model.getFullModelRange(), text: code }]);
  }

  /** Marks the service's syntax error at its line, or clears the mark with null. */
  markSyntaxError(error: SyntaxErrorMark | null): void {
    const model = this.editor?.getModel();
    if (!model) return;
    if (!error) {
      monaco.editor.setModelMarkers(model, SERVICE_OWNER, []);
      return;
    }
    const line = Math.min(Math.max(error.line, 1), model.getLineCount());
    const column = Math.max(error.column ?? 1, 1);
    monaco.editor.setModelMarkers(model, SERVICE_OWNER, [
      {
        severity: monaco.MarkerSeverity.Error,
        message: error.message,
        startLineNumber: line,
        startColumn: column,
        endLineNumber: line,
        endColumn: Math.max(model.getLineMaxColumn(line), column + 1),
      },
    ]);
    this.editor?.revealLineInCenterIfOutsideViewport(line);
  }

  markers(): EditorMarker[] {
    const model = this.editor?.getModel();
    if (!model) return [];
    return monaco.editor.getModelMarkers({ resource: model.uri }).map((marker) => ({
      owner: marker.owner,
      message: marker.message,
      line: marker.startLineNumber,
      severity: SEVERITIES[marker.severity] ?? 'error',
    }));
  }

  override focus(): void {
    this.editor?.focus();
  }

  private requireEditor(): monaco.editor.IStandaloneCodeEditor {
    if (!this.editor) throw new Error('qj-code-editor: wait for `ready` before using the editor');
    return this.editor;
  }
}

/**
 * Monaco as the job editor needs it, and nothing more: the editor core and its contributions, the
 * JavaScript and TypeScript languages with the TypeScript service, the `core`/`job` typings, and workers served by
 * the service itself (no CDN, so the page's CSP can stay 'self').
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import { javascriptDefaults, ScriptTarget, typescriptDefaults } from 'monaco-editor/languages/features/typescript/register';

export { monaco };

/**
 * A job script is the body of an async function (SPEC §2), which the TypeScript service sees as a
 * plain script; these are its complaints about that and nothing else:
 * 1108 `return` outside a function, 1375/1378 top-level `await`, 1431/1432 top-level `for await`.
 */
export const SCRIPT_BODY_DIAGNOSTICS = [1108, 1375, 1378, 1431, 1432];

let configured = false;

export function configureMonaco(): void {
  if (configured) return;
  configured = true;
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      const url = label === 'typescript' || label === 'javascript' ? __TS_WORKER_URL__ : __EDITOR_WORKER_URL__;
      return new Worker(new URL(url, document.baseURI), { name: label });
    },
  };
  javascriptDefaults.setCompilerOptions({
    target: ScriptTarget.ES2020,
    // No DOM: job code runs in QuickJS, where `window` and `document` do not exist.
    lib: ['es2022'],
    allowJs: true,
    checkJs: true,
    allowNonTsExtensions: true,
    noEmit: true,
  });
  // A TypeScript job is checked as `quickjobs check` checks it (service/cli/type-check.ts): strict.
  typescriptDefaults.setCompilerOptions({
    target: ScriptTarget.ES2020,
    lib: ['es2022'],
    strict: true,
    allowNonTsExtensions: true,
    noEmit: true,
  });
  for (const defaults of [javascriptDefaults, typescriptDefaults]) {
    defaults.setDiagnosticsOptions({
      noSemanticValidation: false,
      noSyntaxValidation: false,
      // Suggestions ("may be converted to...") would dot a correct job; only real problems are marked.
      noSuggestionDiagnostics: true,
      diagnosticCodesToIgnore: SCRIPT_BODY_DIAGNOSTICS,
    });
    // The typings declare `console` too (SPEC §2 routes it to the log).
    defaults.addExtraLib(__CORE_API_DTS__, 'file:///quickjobs/core-api.d.ts');
  }
}

/** Monaco's CSS is linked only when the editor first loads; the build names the file in a meta tag. */
export function loadEditorCss(): Promise<void> {
  const href = document.querySelector<HTMLMetaElement>('meta[name="quickjobs-editor-css"]')?.content;
  if (!href || document.querySelector(`link[data-quickjobs-editor]`)) return Promise.resolve();
  return new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.dataset.quickjobsEditor = '';
    // Resolve on error too: an editor without styles still beats no editor.
    link.onload = link.onerror = () => resolve();
    document.head.append(link);
  });
}

let paramsLibs: Array<{ dispose(): void }> = [];

/**
 * Declares the names of the edited job's params (with `types`, each a TypeScript type read off its
 * current value) so `job.params.` completes them; the previous job's names go.
 */
export function declareJobParams(types: Record<string, string>): void {
  for (const lib of paramsLibs) lib.dispose();
  const fields = Object.entries(types).map(([name, type]) => `    readonly ${JSON.stringify(name)}: ${type};`);
  const text = `declare namespace QuickJobs {\n  interface JobParams {\n${fields.join('\n')}\n  }\n}\n`;
  // JavaScript and TypeScript jobs alike.
  paramsLibs = [javascriptDefaults, typescriptDefaults].map((defaults) => defaults.addExtraLib(text, 'file:///quickjobs/job-params.d.ts'));
}

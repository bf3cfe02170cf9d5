/**
 * `quickjobs check` type-checks a job against sandbox/core-api.d.ts with the TypeScript compiler,
 * as the webmin's editor does: a `.js` job as checked JavaScript, a `.ts` job as strict TypeScript.
 *
 * TypeScript is loaded only here, and only when it is installed: it is an optional peer
 * dependency (a server running jobs never needs its 20-odd MB). Without it, `check` says so and
 * exits 2 after the syntax check.
 */
import { fileURLToPath } from 'node:url';

import type { JobLanguage } from '../jobs/types.js';

/** One type error, at a 1-based line and column of the file. */
export interface TypeProblem {
  line: number;
  column: number;
  message: string;
}

/**
 * A job is the body of an async function, which the compiler sees as a plain script; these are its
 * complaints about that and nothing else (the webmin ignores the same ones):
 * 1108 `return` outside a function, 1375/1378 top-level `await`, 1431/1432 top-level `for await`.
 */
export const SCRIPT_BODY_DIAGNOSTICS = new Set([1108, 1375, 1378, 1431, 1432]);

/** sandbox/core-api.d.ts, from the sources (service/cli/) and from the build (dist/service/cli/) alike. */
export const CORE_API_DTS = fileURLToPath(new URL(import.meta.url.includes('/dist/service/') ? '../../../sandbox/core-api.d.ts' : '../../sandbox/core-api.d.ts', import.meta.url));

export class TypeScriptMissingError extends Error {
  override name = 'TypeScriptMissingError';
  constructor() {
    super('type checks need the typescript package, which is not installed: npm install --save-dev typescript');
  }
}

type TypeScript = typeof import('typescript');

async function loadTypeScript(): Promise<TypeScript> {
  try {
    const loaded = (await import('typescript')) as TypeScript & { default?: TypeScript };
    return loaded.default ?? loaded;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new TypeScriptMissingError();
    throw error;
  }
}

/** The type errors of `text` (the whole file, settings line included: it is a comment). Throws TypeScriptMissingError. */
export async function typeCheck(text: string, language: JobLanguage): Promise<TypeProblem[]> {
  const ts = await loadTypeScript();
  const options: import('typescript').CompilerOptions = {
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    // No DOM: job code runs in QuickJS, where `window` and `document` do not exist.
    lib: ['lib.es2022.d.ts'],
    types: [],
    ...(language === 'typescript' ? { strict: true } : { allowJs: true, checkJs: true }),
  };
  // A name of the right kind, so the compiler reads the text as TypeScript or JavaScript whatever the file is called.
  const virtual = `/quickjobs-check/job${language === 'typescript' ? '.ts' : '.js'}`;
  const base = ts.createCompilerHost(options);
  const host: import('typescript').CompilerHost = {
    ...base,
    getSourceFile: (name, target) => (name === virtual ? ts.createSourceFile(virtual, text, target, true) : base.getSourceFile(name, target)),
    fileExists: (name) => name === virtual || base.fileExists(name),
    readFile: (name) => (name === virtual ? text : base.readFile(name)),
  };
  const program = ts.createProgram({ rootNames: [CORE_API_DTS, virtual], options, host });
  const problems: TypeProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (SCRIPT_BODY_DIAGNOSTICS.has(diagnostic.code)) continue;
    const message = `${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')} (TS${diagnostic.code})`;
    if (diagnostic.file?.fileName !== virtual || diagnostic.start === undefined) {
      // Only a broken install makes the typings themselves fail; say so at the file's top.
      problems.push({ line: 1, column: 1, message: `${diagnostic.file ? `${diagnostic.file.fileName}: ` : ''}${message}` });
      continue;
    }
    const at = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ line: at.line + 1, column: at.character + 1, message });
  }
  return problems;
}

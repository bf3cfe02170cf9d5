/**
 * TypeScript jobs (SPEC §11): the source is stripped to JavaScript with esbuild when it is saved,
 * and both are kept with the version, with a source map from the one to the other.
 *
 * A job is the body of an async function (top-level `await` and `return job`), which esbuild
 * refuses as a module, so it transforms the source inside the same wrapper the sandbox adds
 * (sandbox/script.ts) and takes the wrapper off again. The map keeps the wrapper's coordinates:
 * script line n is line n + 1 of the map on both sides (`WRAPPED_LINES`), which
 * jobs/source-map.ts accounts for. Syntax esbuild lowers with helpers (decorators, `using`)
 * gets them printed above the wrapper: they stay at the top of the script, and their count is
 * kept in the map as `x_quickjobs_helper_lines` (lines that map to no source).
 */
import { transform, type Message, type TransformFailure } from 'esbuild';

import { ScriptSyntaxError } from './errors.js';
import type { CodeText, JobLanguage } from './types.js';

const HEAD = '(async function () {\n';
const TAIL = '\n})';
/** Lines the wrapper adds before the script, on the source side and the output side alike. */
export const WRAPPED_LINES = 1;

/** The file name error messages and maps give a TypeScript job. */
export const TS_FILE = 'job.ts';

/**
 * The code to keep for a version in `language`. TypeScript comes back with the JavaScript that
 * runs and its source map; a syntax error throws ScriptSyntaxError at its TypeScript line and
 * column (1-based), nothing is saved.
 */
export async function compileJob(code: string, language: JobLanguage): Promise<CodeText> {
  if (language === 'javascript') return { code, compiled: null, sourceMap: null };
  const { js, sourceMap } = await stripTypes(code);
  return { code, compiled: js, sourceMap };
}

export async function stripTypes(source: string): Promise<{ js: string; sourceMap: string }> {
  let output: { code: string; map: string };
  try {
    output = await transform(HEAD + source + TAIL, {
      loader: 'ts',
      // QuickJS runs ES2023; newer syntax would be lowered rather than refused.
      target: 'es2022',
      sourcefile: TS_FILE,
      sourcemap: 'external',
      sourcesContent: false,
      // Keep names and layout as written: what runs should read like what was saved.
      minify: false,
      logLevel: 'silent',
    });
  } catch (error) {
    const first = (error as Partial<TransformFailure>).errors?.[0];
    if (!first) throw error;
    throw syntaxError(first, source);
  }
  const lines = output.code.replace(/\n$/, '').split('\n');
  // esbuild prints the wrapper back as `(async function() {` … `});`, any helpers above it.
  const head = lines.indexOf(PRINTED_HEAD);
  if (head < 0 || lines.at(-1) !== PRINTED_TAIL) throw new Error('esbuild printed the job in a shape quickjobs does not know');
  const js = [...lines.slice(0, head), ...lines.slice(head + 1, -1)].join('\n');
  const map = JSON.parse(output.map) as Record<string, unknown>;
  return { js, sourceMap: JSON.stringify({ ...map, [HELPER_LINES]: head }) };
}

const PRINTED_HEAD = '(async function() {';
const PRINTED_TAIL = '});';
/** The source map field that counts the helper lines at the top of the script. */
export const HELPER_LINES = 'x_quickjobs_helper_lines';

function syntaxError(message: Message, source: string): ScriptSyntaxError {
  const location = message.location;
  if (!location) return new ScriptSyntaxError(`SyntaxError: ${message.text}`, undefined, undefined);
  // A position on a wrapper line (an unclosed brace is reported at the closing `})`) is clamped into the script.
  const lines = source.split('\n');
  const line = Math.min(Math.max(1, location.line - WRAPPED_LINES), lines.length);
  const column = line === location.line - WRAPPED_LINES ? location.column + 1 : lines[line - 1]!.length + 1;
  return new ScriptSyntaxError(`SyntaxError: ${message.text}`, line, column);
}

/**
 * How a user's script is wrapped and how positions in the wrapper map back to the script. A
 * script is the body of an async function, so top-level `await` and `return job` work.
 */
import type { RunError } from './types.js';

/** The file name QuickJS reports for frames in the user's script. */
export const SCRIPT_FILE = 'job.js';

const WRAPPER_HEAD = '(async function () {\n';
/** The newline keeps a trailing `// comment` in the script from swallowing the closing brace. */
const WRAPPER_TAIL = '\n})';
/** Lines the wrapper adds before the script's first line. */
const LINE_OFFSET = 1;

/** The source to evaluate: an expression whose value is the job's async main function. */
export function wrapScript(code: string): string {
  return WRAPPER_HEAD + code + WRAPPER_TAIL;
}

const FRAME = new RegExp(`${SCRIPT_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`);

/**
 * The innermost position in the user's script named by a QuickJS stack, corrected for the wrapper.
 * Frames in the `core` prelude carry another file name and are skipped.
 */
export function scriptPosition(stack: unknown, code: string): { line: number; column: number } | undefined {
  if (typeof stack !== 'string') return undefined;
  const match = FRAME.exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]) - LINE_OFFSET;
  const column = Number(match[2]);
  // A position on a wrapper line (a brace left unclosed is reported at the closing `})`) is
  // clamped into the script rather than reported as line 0 or past its end.
  const lastLine = code.split('\n').length;
  if (line > lastLine) return { line: lastLine, column: code.length - code.lastIndexOf('\n') };
  return { line: Math.max(1, line), column };
}

/** A guest error value (as dumped from QuickJS) as the run's error, positioned in the script. */
export function toRunError(value: unknown, code: string): RunError {
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const name = typeof record.name === 'string' ? record.name : 'Error';
    const message = typeof record.message === 'string' ? `${name}: ${record.message}` : describeThrown(value);
    const position = scriptPosition(record.stack, code);
    return position ? { message, ...position } : { message };
  }
  return { message: describeThrown(value) };
}

function describeThrown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return `Uncaught ${text}`;
}

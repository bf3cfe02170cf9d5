/**
 * `quickjobs check <file>`: a job file checked without running it, as the jobs folder would load
 * it (settings line, syntax; a `.ts` file stripped first) and then type-checked against the
 * `core` typings. Every problem is printed as `file:line:column: message`; exit 0 when clean,
 * 1 on any problem, 2 when the type check cannot run (TypeScript not installed).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';

import { checkScript } from '../../sandbox/check.js';
import { checkCode, languageOf } from '../bootstrap/read-folder.js';
import { splitSettingsLine } from '../bootstrap/settings-line.js';
import { parseJobFields } from '../jobs/job-input.js';
import { TypeScriptMissingError, typeCheck } from './type-check.js';

export interface CheckOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const CONSOLE: CheckOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

export async function checkCommand(file: string, output: CheckOutput = CONSOLE): Promise<number> {
  const language = languageOf(file);
  if (language === null) {
    output.err(`${file}: a job file ends in .js or .ts`);
    return 1;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    output.err(`${file}: cannot read: ${(error as Error).message}`);
    return 1;
  }
  const split = splitSettingsLine(text);
  const offset = split.kind === 'settings' ? 1 : 0;
  if (split.kind === 'settings') {
    // Checked as the jobs folder will: named after the file.
    const problem = settingsProblem(split.json, basename(file, extname(file)));
    if (problem) {
      output.err(`${file}:1:1: ${problem}`);
      return 1;
    }
  }
  const syntax = await checkCode(split.code, language, checkScript);
  if (!syntax.ok) {
    const { line, column, message } = syntax.error;
    output.err(`${file}:${line === undefined ? 1 : line + offset}:${column ?? 1}: ${message}`);
    return 1;
  }
  let problems;
  try {
    problems = await typeCheck(text, language);
  } catch (error) {
    if (!(error instanceof TypeScriptMissingError)) throw error;
    output.err(`${file}: syntax ok; ${error.message}`);
    return 2;
  }
  for (const problem of problems) output.err(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
  if (problems.length > 0) return 1;
  output.out(`${file}: ok`);
  return 0;
}

function settingsProblem(json: string, name: string): string | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return `the settings line is not JSON: ${(error as Error).message}`;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'the settings must be a JSON object of job fields';
  const fields = parseJobFields({ ...raw, name }, 'create');
  return fields.ok ? null : `${fields.field}: ${fields.message}`;
}

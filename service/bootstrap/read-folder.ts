/**
 * Reads the bootstrap folder into validated jobs. Each problem (bad settings, invalid fields, a
 * syntax error, a duplicate name, a missing file) is reported by file and name and that job is
 * skipped; the rest of the folder still loads.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import { checkScript } from '../../sandbox/check.js';
import type { CheckResult } from '../../sandbox/types.js';
import { ScriptSyntaxError } from '../jobs/errors.js';
import { JOB_NAME_PATTERN, parseJobFields } from '../jobs/job-input.js';
import { SourceMapper } from '../jobs/source-map.js';
import type { JobLanguage } from '../jobs/types.js';
import { stripTypes } from '../jobs/typescript.js';
import { splitSettingsLine } from './settings-line.js';
import { sourceHash } from './source-hash.js';
import type { FolderContents, FolderJob, FolderProblem } from './types.js';

export const JOBS_JSON = 'jobs.json';

export interface ReadFolderOptions {
  /** Checks a script without running it; the sandbox's checker unless a test passes another. */
  check?: (code: string) => Promise<CheckResult>;
}

/** A problem with one file, thrown inside this module and turned into a FolderProblem. */
class FileProblem extends Error {
  override name = 'FileProblem';
}

interface Candidate {
  name: string;
  file: string;
  /** The job fields before validation (without name). */
  settings: unknown;
  code: string;
  /** 1 when a settings line was cut off the top, so errors name the line in the file. */
  lineOffset: number;
}

export async function readJobsFolder(dir: string, options: ReadFolderOptions = {}): Promise<FolderContents> {
  const check = options.check ?? checkScript;
  const problems: FolderProblem[] = [];

  let files: string[];
  try {
    files = await listScripts(dir);
  } catch (error) {
    // A folder that cannot be read is a problem tied to no job: the sync then deletes nothing.
    problems.push({ file: dir, message: `cannot read the jobs folder: ${(error as Error).message}` });
    return { jobs: [], problems };
  }

  const candidates: Candidate[] = [];
  const claimed = new Set<string>();
  // Null when jobs.json exists but is unusable: then no file is loaded (a file it meant to name
  // would load with the wrong settings), and as that problem names no job the sync deletes nothing.
  const listed = await readJobsJson(dir, problems);
  if (listed !== null) {
    for (const entry of listed) {
      claimed.add(entry.file);
      try {
        const text = await readFile(join(dir, entry.file), 'utf8');
        const split = splitSettingsLine(text);
        candidates.push({
          name: entry.name,
          file: entry.file,
          settings: entry.settings,
          code: split.code,
          lineOffset: split.kind === 'settings' ? 1 : 0,
        });
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        problems.push({
          file: entry.file,
          name: entry.name,
          message: missing ? `${JOBS_JSON} names "${entry.file}", which is not in the jobs folder` : (error as Error).message,
        });
      }
    }
  }

  for (const file of files) {
    if (listed === null || claimed.has(file)) continue;
    const name = file.slice(0, -extname(file).length);
    try {
      const text = await readFile(join(dir, file), 'utf8');
      candidates.push({ name, file, ...parseSettingsLine(text) });
    } catch (error) {
      problems.push({ file, name, message: (error as Error).message });
    }
  }

  const jobs: FolderJob[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const { name, file } = candidate;
    try {
      if (seen.has(name)) throw new FileProblem(`another file in the folder already defines job "${name}"`);
      seen.add(name);
      jobs.push(await toJob(dir, candidate, check));
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      problems.push({ file, name, message: error.message });
    }
  }
  jobs.sort((a, b) => a.name.localeCompare(b.name));
  return { jobs, problems };
}

/** Top-level `*.js` and `*.ts` files; hidden files (editor locks, `.#x.js`) and typings (`*.d.ts`) are not jobs. */
async function listScripts(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  const files: string[] = [];
  for (const name of names.sort()) {
    if (languageOf(name) === null || name.endsWith('.d.ts') || name.startsWith('.')) continue;
    // stat, not the dirent type, so a symlinked script counts as a file.
    if ((await stat(join(dir, name))).isFile()) files.push(name);
  }
  return files;
}

function parseSettingsLine(text: string): { settings: unknown; code: string; lineOffset: number } {
  const split = splitSettingsLine(text);
  if (split.kind === 'none') {
    throw new FileProblem('no settings line: start the file with a line like // quickjobs: {"interval": 3600}');
  }
  try {
    return { settings: JSON.parse(split.json) as unknown, code: split.code, lineOffset: 1 };
  } catch (error) {
    throw new FileProblem(`the settings line is not valid JSON: ${(error as Error).message}`);
  }
}

interface ListedJob {
  name: string;
  file: string;
  settings: Record<string, unknown>;
}

/** Resolves to the entries of jobs.json ([] when there is none), or null when it is unusable. */
async function readJobsJson(dir: string, problems: FolderProblem[]): Promise<ListedJob[] | null> {
  let text: string;
  try {
    text = await readFile(join(dir, JOBS_JSON), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    problems.push({ file: JOBS_JSON, message: (error as Error).message });
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push({ file: JOBS_JSON, message: `not valid JSON: ${(error as Error).message}` });
    return null;
  }
  if (!Array.isArray(value)) {
    problems.push({ file: JOBS_JSON, message: 'expected a list like [{"name": "backup", "file": "backup.js", "interval": 3600}]' });
    return null;
  }
  const entries: ListedJob[] = [];
  value.forEach((item: unknown, index) => {
    const where = `${JOBS_JSON} entry ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ file: JOBS_JSON, message: `${where} is not an object` });
      return;
    }
    const { name, file, ...settings } = item as Record<string, unknown>;
    if (typeof name !== 'string') {
      problems.push({ file: JOBS_JSON, message: `${where} has no "name"` });
      return;
    }
    if (typeof file !== 'string' || !isInsideFolder(file)) {
      problems.push({ file: JOBS_JSON, name, message: `${where} needs "file", a script inside the jobs folder` });
      return;
    }
    entries.push({ name, file: normalize(file), settings });
  });
  return entries;
}

/** jobs.json may name files in subfolders, never outside the folder. */
function isInsideFolder(file: string): boolean {
  const normal = normalize(file);
  return file.length > 0 && !isAbsolute(normal) && normal !== '..' && !normal.startsWith(`..${sep}`);
}

async function toJob(dir: string, candidate: Candidate, check: ReadFolderOptions['check'] & {}): Promise<FolderJob> {
  const { name, file, settings, code, lineOffset } = candidate;
  if (!JOB_NAME_PATTERN.test(name)) {
    throw new FileProblem(`"${name}" is not a job name: start with a letter, then letters, digits, "_" or "-" (at most 64)`);
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new FileProblem('the settings must be a JSON object of job fields');
  }
  for (const key of ['name', 'code'] as const) {
    if (key in settings) {
      throw new FileProblem(`"${key}" is not a setting: the name comes from the file name or jobs.json, the code is the file`);
    }
  }
  // The file's extension says what it is written in: a `.ts` file is a TypeScript job.
  const language = languageOf(file) ?? 'javascript';
  if ('language' in settings && settings.language !== language) {
    throw new FileProblem(`language: a .${language === 'typescript' ? 'ts' : 'js'} file is ${language}; rename the file to change its language`);
  }
  const parsed = parseJobFields({ ...settings, name, language }, 'create');
  if (!parsed.ok) throw new FileProblem(`${parsed.field}: ${parsed.message}`);
  const checked = await checkCode(code, language, check);
  if (!checked.ok) {
    const { message, line, column } = checked.error;
    const at = line === undefined ? '' : ` (line ${line + lineOffset}${column === undefined ? '' : `, column ${column}`})`;
    throw new FileProblem(`syntax error${at}: ${message}`);
  }
  return { name, file, path: join(dir, file), fields: parsed.value, code, sourceHash: sourceHash(parsed.value, code) };
}

/** What a file is written in, by its extension; null for a file that is not a job script. */
export function languageOf(file: string): JobLanguage | null {
  if (file.endsWith('.ts')) return 'typescript';
  if (file.endsWith('.js')) return 'javascript';
  return null;
}

/** A script checked without running it: TypeScript stripped first, every position in the code as written. */
export async function checkCode(code: string, language: JobLanguage, check: (code: string) => Promise<CheckResult>): Promise<CheckResult> {
  if (language === 'javascript') return check(code);
  let stripped: { js: string; sourceMap: string };
  try {
    stripped = await stripTypes(code);
  } catch (error) {
    if (!(error instanceof ScriptSyntaxError)) throw error;
    return { ok: false, error: { message: error.message, ...(error.line === undefined ? {} : { line: error.line }), ...(error.column === undefined ? {} : { column: error.column }) } };
  }
  const checked = await check(stripped.js);
  if (checked.ok || checked.error.line === undefined) return checked;
  const at = new SourceMapper(stripped.sourceMap).toSource({ line: checked.error.line, column: checked.error.column ?? 1 });
  return at ? { ok: false, error: { ...checked.error, ...at } } : checked;
}

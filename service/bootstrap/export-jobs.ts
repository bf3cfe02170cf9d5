/**
 * Writes jobs out as a bootstrap folder: `<name>.js` (`<name>.ts` for TypeScript) with its settings
 * line, then its code as written. Reading
 * the folder back gives the same settings and code, so a folder exported from one service can
 * seed another (or go into version control).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../jobs/types.js';
import type { Period } from '../periods/types.js';
import { formatSettingsLine } from './settings-line.js';

/** Resolves to the paths written. Existing files of the same name are replaced. */
export async function exportJobs(jobs: Array<{ job: Job; code: string }>, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { job, code } of jobs) {
    const path = join(dir, `${job.name}${job.language === 'typescript' ? '.ts' : '.js'}`);
    await writeFile(path, `${formatSettingsLine(job)}\n${code}`, 'utf8');
    written.push(path);
  }
  return written;
}

/** Writes the periods as `periods.json` (the bootstrap folder's form); resolves to its path. */
export async function exportPeriods(periods: Period[], dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'periods.json');
  const list = periods.map(({ name, description, timezone, ranges, exclude }) => ({ name, description, timezone, ranges, exclude }));
  await writeFile(path, `${JSON.stringify(list, null, 2)}\n`, 'utf8');
  return path;
}

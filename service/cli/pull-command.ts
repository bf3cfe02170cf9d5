/**
 * `quickjobs pull <dir> --url <service>`: every job of a running service written into `dir` in the
 * bootstrap format (SPEC §7: settings line, then the code; `.ts` for TypeScript), and the sync
 * state beside them. Files of jobs pulled before that the service no longer has are removed;
 * other files in the folder are left alone. A file edited since the last pull is not overwritten:
 * the pull refuses, naming it, unless `force`.
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { formatSettingsLine } from '../bootstrap/settings-line.js';
import type { RemoteJob, ServiceClient } from './service-client.js';
import { SyncError } from './service-client.js';
import { settingsOf } from './push-plan.js';
import { codeHash, type PulledJob, readState, type SyncState, writeState } from './sync-state.js';

export interface SyncOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Requests in flight at once: enough to hide the round trips, few enough to leave the service room. */
export const CONCURRENCY = 8;

export function fileOf(job: Pick<RemoteJob, 'name' | 'language'>): string {
  return `${job.name}${job.language === 'typescript' ? '.ts' : '.js'}`;
}

/** Throws SyncError when `dir` exists and is not a folder. */
export async function ensureFolder(dir: string, create: boolean): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new SyncError(`${dir} is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create) throw new SyncError(`there is no folder ${dir}`);
    await mkdir(dir, { recursive: true });
  }
}

export async function pullCommand(dir: string, client: ServiceClient, url: string, output: SyncOutput, force = false): Promise<number> {
  await ensureFolder(dir, true);
  const before = await readState(dir);
  const edited = force ? [] : await editedSincePull(dir, before);
  if (edited.length > 0) {
    for (const file of edited) output.err(`${file}: edited since the last pull`);
    output.err(`${edited.length} file(s) edited since the last pull: nothing pulled. Push them (or commit them), then pull; or pull --force to overwrite them.`);
    return 1;
  }
  const jobs = await client.listJobs();
  output.out(`pulling ${jobs.length} job(s) from ${url}`);
  const pulled: Record<string, PulledJob> = {};
  let done = 0;
  await inParallel(jobs, CONCURRENCY, async (job) => {
    const { code, version } = await client.code(job.name);
    const settings = settingsOf(job);
    const file = fileOf(job);
    const text = `${formatSettingsLine(settings)}\n${code}`;
    await writeFile(join(dir, file), text, 'utf8');
    pulled[job.name] = { file, version, settings, codeHash: codeHash(code), fileHash: codeHash(text) };
    done += 1;
    if (done % 100 === 0) output.out(`  ${done}/${jobs.length}`);
  });
  let removed = 0;
  for (const [name, old] of Object.entries(before?.jobs ?? {})) {
    if (pulled[name]?.file === old.file) continue;
    await rm(join(dir, old.file), { force: true });
    removed += 1;
  }
  await writeState(dir, { url, pulledAt: new Date().toISOString(), jobs: pulled });
  output.out(`pulled ${jobs.length} job(s) into ${dir}${removed > 0 ? `; removed ${removed} file(s) of jobs the service no longer has` : ''}`);
  return 0;
}

/** The files of pulled jobs whose text is no longer what pull wrote (a missing file is no edit: it is pulled again). */
async function editedSincePull(dir: string, state: SyncState | null): Promise<string[]> {
  const edited: string[] = [];
  for (const job of Object.values(state?.jobs ?? {})) {
    if (job.fileHash === undefined) continue;
    let text: string;
    try {
      text = await readFile(join(dir, job.file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (codeHash(text) !== job.fileHash) edited.push(job.file);
  }
  return edited.sort();
}

/** Runs `task` over `items`, at most `limit` at a time; rejects with the first failure. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * `.quickjobs-sync.json`: what a folder was pulled from, kept next to the jobs so `push` can tell
 * a change made in the folder from one made on the service since. Per job: its file, the version
 * and settings the service had, and digests of the code and the file as pulled. The token is never
 * written.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { JobSettings } from '../jobs/types.js';
import { SyncError } from './service-client.js';

export const STATE_FILE = '.quickjobs-sync.json';

export interface PulledJob {
  file: string;
  version: number;
  settings: JobSettings;
  codeHash: string;
  /** Digest of the whole file as pulled or pushed: a later pull keeps a file edited since. */
  fileHash?: string;
}

export interface SyncState {
  url: string;
  pulledAt: string;
  jobs: Record<string, PulledJob>;
}

export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 32);
}

/** The folder's state; null when it was never pulled. Throws SyncError for a state file that cannot be read. */
export async function readState(dir: string): Promise<SyncState | null> {
  let text: string;
  try {
    text = await readFile(join(dir, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SyncError(`cannot read ${join(dir, STATE_FILE)}: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as SyncState;
    if (typeof state !== 'object' || state === null || typeof state.jobs !== 'object' || state.jobs === null) throw new Error('no "jobs" object');
    return state;
  } catch (error) {
    throw new SyncError(`${join(dir, STATE_FILE)} is damaged (${(error as Error).message}); pull again to rewrite it`);
  }
}

export async function writeState(dir: string, state: SyncState): Promise<void> {
  const jobs = Object.fromEntries(Object.entries(state.jobs).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(join(dir, STATE_FILE), `${JSON.stringify({ ...state, jobs }, null, 2)}\n`, 'utf8');
}

/**
 * What `quickjobs push` would do, worked out from three views of each job: the folder now, the
 * service now, and the service as pulled (the sync state). Pure: no I/O, so every case is a test.
 *
 * A job is changed here when its settings or code differ from what was pulled; changed on the
 * service when its version moved or a setting other than `active` differs from what was pulled
 * (the scheduler turns `active` off when a job exits, which is no person's edit). A change here
 * over a change there is a conflict, as is a file for a job the service has but the folder never
 * pulled; `force` overwrites instead.
 */
import type { FolderJob } from '../bootstrap/types.js';
import { DEFAULT_SETTINGS } from '../jobs/job-input.js';
import type { JobSettings } from '../jobs/types.js';
import type { RemoteJob } from './service-client.js';
import { codeHash, type SyncState } from './sync-state.js';

export type PushAction =
  | { kind: 'create'; job: FolderJob }
  /**
   * `settings`: the fields to send; `code`: null when the code stays; `baseVersion` and `current`:
   * the service's version and settings it was planned against.
   */
  | { kind: 'update'; job: FolderJob; settings: Partial<JobSettings>; code: string | null; baseVersion: number; current: JobSettings }
  | { kind: 'delete'; name: string }
  | { kind: 'conflict'; name: string; reason: string };

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as Array<keyof JobSettings>;

export function settingsOf(job: JobSettings): JobSettings {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, job[key]])) as unknown as JobSettings;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The settings of `to` that differ from `from`. */
function changed(from: JobSettings, to: JobSettings): Partial<JobSettings> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (!same(from[key], to[key])) out[key] = to[key];
  return out as Partial<JobSettings>;
}

function changedOnService(remote: RemoteJob, pulled: SyncState['jobs'][string]): string | null {
  if (remote.version !== pulled.version) return `its code changed on the service since the pull (version ${remote.version}, pulled ${pulled.version})`;
  const moved = SETTING_KEYS.filter((key) => key !== 'active' && !same(remote[key], pulled.settings[key]));
  return moved.length === 0 ? null : `its settings changed on the service since the pull (${moved.join(', ')})`;
}

export function planPush(local: FolderJob[], state: SyncState | null, remote: RemoteJob[], force: boolean): PushAction[] {
  const onService = new Map(remote.map((job) => [job.name, job]));
  const pulled = state?.jobs ?? {};
  const actions: PushAction[] = [];
  for (const job of local) {
    const fields = settingsOf(job.fields);
    const there = onService.get(job.name);
    const before = pulled[job.name];
    if (!before) {
      if (!there) actions.push({ kind: 'create', job });
      else if (force) actions.push(overwrite(job, fields, there));
      else actions.push({ kind: 'conflict', name: job.name, reason: 'the service has a job of this name that was not pulled into this folder' });
      continue;
    }
    const settings = changed(before.settings, fields);
    const codeChanged = codeHash(job.code) !== before.codeHash;
    if (Object.keys(settings).length === 0 && !codeChanged) continue;
    if (!there) {
      if (force) actions.push({ kind: 'create', job });
      else actions.push({ kind: 'conflict', name: job.name, reason: 'it was deleted on the service since the pull' });
      continue;
    }
    const conflict = changedOnService(there, before);
    if (conflict && !force) {
      actions.push({ kind: 'conflict', name: job.name, reason: conflict });
      continue;
    }
    if (conflict) {
      actions.push(overwrite(job, fields, there));
      continue;
    }
    // A new language comes with its code: the code is checked and stripped in that language.
    const code = codeChanged || 'language' in settings ? job.code : null;
    actions.push({ kind: 'update', job, settings, code, baseVersion: there.version, current: settingsOf(there) });
  }
  const inFolder = new Set(local.map((job) => job.name));
  for (const [name, before] of Object.entries(pulled)) {
    const there = onService.get(name);
    if (inFolder.has(name) || !there) continue;
    const conflict = changedOnService(there, before);
    if (conflict && !force) actions.push({ kind: 'conflict', name, reason: `its file was deleted here, but ${conflict}` });
    else actions.push({ kind: 'delete', name });
  }
  return actions.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

/** Forced: the service's job made what the file says, whatever changed there. */
function overwrite(job: FolderJob, fields: JobSettings, there: RemoteJob): PushAction {
  return { kind: 'update', job, settings: changed(settingsOf(there), fields), code: job.code, baseVersion: there.version, current: settingsOf(there) };
}

export function nameOf(action: PushAction): string {
  return 'job' in action ? action.job.name : action.name;
}

/** One line per action, as push prints its plan. */
export function describeAction(action: PushAction): string {
  switch (action.kind) {
    case 'create':
      return `create   ${action.job.name} (${action.job.file})`;
    case 'update': {
      const what = [...Object.keys(action.settings), ...(action.code !== null ? ['code'] : [])];
      return `update   ${action.job.name}: ${what.join(', ')}`;
    }
    case 'delete':
      return `delete   ${action.name}`;
    case 'conflict':
      return `CONFLICT ${action.name}: ${action.reason}`;
  }
}

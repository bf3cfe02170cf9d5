/**
 * `quickjobs push <dir> --url <service> [--dry-run | --yes] [--force]`: the folder's changes since
 * the pull sent to the service through its API. It prints the plan first; without `--yes` it
 * changes nothing. Any conflict (a job changed on the service since the pull) refuses the whole
 * push and exits 1 unless `--force`; a folder with a broken file exits 1 before anything is sent.
 */
import { readFile } from 'node:fs/promises';

import { checkScript } from '../../sandbox/check.js';
import { readJobsFolder } from '../bootstrap/read-folder.js';
import { type PushAction, describeAction, planPush, settingsOf } from './push-plan.js';
import { ensureFolder, inParallel, CONCURRENCY, type SyncOutput } from './pull-command.js';
import type { JobSettings } from '../jobs/types.js';
import type { RemoteJob, ServiceClient } from './service-client.js';
import { codeHash, readState, type SyncState, writeState } from './sync-state.js';

export interface PushOptions {
  apply: boolean;
  force: boolean;
  url: string;
}

export async function pushCommand(dir: string, client: ServiceClient, options: PushOptions, output: SyncOutput): Promise<number> {
  await ensureFolder(dir, false);
  const state = await readState(dir);
  if (state === null) output.err(`${dir} was never pulled: every job the service already has counts as a conflict`);
  else if (state.url !== options.url) output.err(`${dir} was pulled from ${state.url}: its versions are that service's, so jobs changed since may show as conflicts`);
  const folder = await readJobsFolder(dir, { check: checkScript });
  if (folder.problems.length > 0) {
    for (const problem of folder.problems) output.err(`${problem.file}: ${problem.message}`);
    output.err(`${folder.problems.length} file(s) with problems: nothing pushed`);
    return 1;
  }
  const remote = await client.listJobs();
  const actions = planPush(folder.jobs, state, remote, options.force);
  if (actions.length === 0) {
    output.out(`nothing to push: ${dir} matches what was pulled`);
    return 0;
  }
  for (const action of actions) output.out(describeAction(action));
  const conflicts = actions.filter((action) => action.kind === 'conflict').length;
  const changes = actions.length - conflicts;
  if (conflicts > 0) {
    output.err(`${conflicts} conflict(s): nothing pushed. Pull again and redo the change, or push --force to overwrite the service's version.`);
    return 1;
  }
  if (!options.apply) {
    output.out(`dry run: ${changes} change(s) planned, nothing sent; push --yes to apply`);
    return 0;
  }
  const next: SyncState = { url: options.url, pulledAt: state?.pulledAt ?? new Date().toISOString(), jobs: { ...state?.jobs } };
  let done = 0;
  try {
    await inParallel(actions, CONCURRENCY, async (action) => {
      await apply(action, client, next);
      done += 1;
      output.out(`  ${done}/${changes} ${action.kind}d ${'job' in action ? action.job.name : action.name}`);
    });
  } finally {
    // What was applied is recorded even when a later change fails, so the next push does not redo it.
    await writeState(dir, next);
  }
  output.out(`pushed ${changes} change(s) to ${options.url}`);
  return 0;
}

async function apply(action: PushAction, client: ServiceClient, state: SyncState): Promise<void> {
  if (action.kind === 'conflict') return;
  if (action.kind === 'delete') {
    await client.remove(action.name);
    delete state.jobs[action.name];
    return;
  }
  const { job } = action;
  let written: Pick<RemoteJob, 'version'> & JobSettings;
  if (action.kind === 'create') {
    const { name, ...fields } = job.fields;
    written = await client.create({ name, ...fields, code: job.code });
  } else if ('language' in action.settings) {
    written = await client.update(job.name, { ...action.settings, code: action.code ?? job.code });
  } else {
    // The code goes with the version it was planned against: a save on the service in between is refused (409).
    const version = action.code === null ? action.baseVersion : await client.saveCode(job.name, action.code, action.baseVersion);
    const settings = Object.keys(action.settings).length === 0 ? null : await client.update(job.name, action.settings);
    written = settings ?? { ...action.current, version };
  }
  // The file as pushed is what the service now has: a pull keeps it only once it is edited again.
  const fileHash = codeHash(await readFile(job.path, 'utf8'));
  state.jobs[job.name] = { file: job.file, version: written.version, settings: settingsOf(written), codeHash: codeHash(job.code), fileHash };
}

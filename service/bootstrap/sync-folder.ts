/**
 * Keeps folder-owned jobs in step with the bootstrap folder: creates jobs for new files, updates
 * those whose file changed, deletes those whose file is gone. A job someone edited through the API
 * or webmin belongs to them: its file is ignored, with one warning per file content.
 */
import type { JobFieldsInput } from '../jobs/job-input.js';
import { withAudit } from '../users/audit-context.js';
import { readJobsFolder } from './read-folder.js';
import { sameCode } from './source-hash.js';
import type { FolderContents, FolderJob, JobWriter, SyncLog, SyncResult } from './types.js';

/**
 * What has been warned about, per writer (one per service), so a reload every minute does not
 * repeat the same warning: job name → the file hash (or problem text) last warned about.
 */
const warned = new WeakMap<JobWriter, Map<string, string>>();

/** `folder` is the folder path, or what readJobsFolder already read from it. */
export async function syncJobsFolder(writer: JobWriter, folder: string | FolderContents, log: SyncLog): Promise<SyncResult> {
  const contents = typeof folder === 'string' ? await readJobsFolder(folder) : folder;
  const result: SyncResult = { created: [], updated: [], deleted: [], skipped: [] };
  const seenWarnings = warned.get(writer) ?? new Map<string, string>();
  warned.set(writer, seenWarnings);
  const stillTrue = new Set<string>();
  const warnOnce = (key: string, fingerprint: string, fields: object, message: string): void => {
    stillTrue.add(key);
    if (seenWarnings.get(key) === fingerprint) return;
    seenWarnings.set(key, fingerprint);
    log.warn(fields, message);
  };

  for (const problem of contents.problems) {
    result.skipped.push({ name: problem.name ?? problem.file, reason: problem.message });
    warnOnce(`problem:${problem.file}:${problem.name ?? ''}`, problem.message, problem, `jobs folder: ${problem.message}`);
  }

  const existing = new Map((await writer.list()).map((job) => [job.name, job]));
  for (const folderJob of contents.jobs) {
    const job = existing.get(folderJob.name);
    try {
      if (!job) {
        await byFolder('job.create', folderJob.name, `from ${folderJob.path}`, () => writer.create(folderJob.fields, folderJob.code, sourceOf(folderJob)));
        result.created.push(folderJob.name);
      } else if (job.owner === 'user') {
        result.skipped.push({ name: job.name, reason: 'edited through the API or webmin; the folder copy is ignored' });
        warnOnce(
          `user:${job.name}`,
          folderJob.sourceHash,
          { job: job.name, file: folderJob.path },
          `job "${job.name}" was edited through the API or webmin, so ${folderJob.path} is ignored`,
        );
      } else if (job.sourceHash !== folderJob.sourceHash) {
        const code = sameCode(job.sourceHash, folderJob.sourceHash) ? null : folderJob.code;
        await byFolder(code === null ? 'job.update' : 'code.save', job.name, `from ${folderJob.path}`, () =>
          writer.update(job.name, settingsOf(folderJob.fields), code, sourceOf(folderJob)),
        );
        result.updated.push(job.name);
      }
    } catch (error) {
      // One job the store refuses (a name taken in a race, a full disk) must not stop the others.
      result.skipped.push({ name: folderJob.name, reason: (error as Error).message });
      log.error({ job: folderJob.name, err: error }, `jobs folder: could not apply ${folderJob.path}`);
    }
  }

  const present = new Set(contents.jobs.map((job) => job.name));
  const troubled = new Set(contents.problems.map((problem) => problem.name));
  // A problem tied to no job (unreadable folder, broken jobs.json) means the folder was not fully
  // read: deleting now could wipe jobs whose files are fine.
  const fullyRead = !troubled.has(undefined);
  for (const job of existing.values()) {
    if (job.owner !== 'folder' || present.has(job.name) || troubled.has(job.name) || !fullyRead) continue;
    try {
      if (await byFolder('job.delete', job.name, `${job.path} is gone`, () => writer.remove(job.name))) result.deleted.push(job.name);
    } catch (error) {
      result.skipped.push({ name: job.name, reason: (error as Error).message });
      log.error({ job: job.name, err: error }, 'jobs folder: could not delete a job whose file is gone');
    }
  }

  // Forget warnings about what has been fixed, so the same trouble coming back is reported again.
  for (const key of seenWarnings.keys()) if (!stillTrue.has(key)) seenWarnings.delete(key);

  if (result.created.length + result.updated.length + result.deleted.length > 0) {
    log.info({ created: result.created, updated: result.updated, deleted: result.deleted }, 'jobs folder applied');
  }
  return result;
}

function sourceOf(job: FolderJob): { owner: 'folder'; sourceHash: string; path: string } {
  return { owner: 'folder', sourceHash: job.sourceHash, path: job.path };
}

/** Every setting from the file (the name is the key, not a change). */
function settingsOf(fields: JobFieldsInput): Partial<JobFieldsInput> {
  const { name: _name, ...settings } = fields;
  return settings;
}

/** A change the jobs folder makes, in the audit trail as `via: "folder"` (written with the change). */
async function byFolder<T>(action: string, target: string, summary: string, work: () => Promise<T>): Promise<T> {
  return (await withAudit({ entry: { at: Date.now(), user: null, via: 'folder', action, target, summary } }, work)).answer;
}

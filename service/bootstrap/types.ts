/** The bootstrap folder's view of jobs, and what it needs from the service to keep them in step. */
import type { JobFieldsInput } from '../jobs/job-input.js';
import type { Job } from '../jobs/types.js';

/** Where a folder-owned job came from. */
export interface FolderSource {
  owner: 'folder';
  /** See source-hash.ts: changes whenever the file's settings or code change. */
  sourceHash: string;
  /** The file, as the jobs folder path joined with its name (e.g. `jobs/backup.js`). */
  path: string;
}

/**
 * What the folder sync may do to jobs; the service implements it over its store and scheduler,
 * so a change made here applies at once like one made through the API.
 */
export interface JobWriter {
  list(): Promise<Job[]>;
  create(fields: JobFieldsInput & { name: string }, code: string, source: FolderSource): Promise<Job>;
  /** `code` null means the code is unchanged (no new code version). */
  update(name: string, fields: Partial<JobFieldsInput>, code: string | null, source: FolderSource): Promise<Job>;
  remove(name: string): Promise<boolean>;
}

/** One job read from the folder, validated and ready to create. */
export interface FolderJob {
  name: string;
  /** The file name inside the folder (e.g. `backup.js`). */
  file: string;
  /** The folder path joined with `file`. */
  path: string;
  fields: JobFieldsInput;
  /** The script without its settings line. */
  code: string;
  sourceHash: string;
}

/** Something in the folder that could not become a job; the rest of the folder still loads. */
export interface FolderProblem {
  file: string;
  /** The job the file would have been, when that is known. */
  name?: string;
  message: string;
}

export interface FolderContents {
  jobs: FolderJob[];
  problems: FolderProblem[];
}

export interface SyncResult {
  created: string[];
  updated: string[];
  deleted: string[];
  skipped: Array<{ name: string; reason: string }>;
}

/** The log calls the sync makes (pino's Logger fits). */
export interface SyncLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The bootstrap folder: jobs that ship as files with a deployment (SPEC §7). */
export { exportJobs } from './export-jobs.js';
export { JOBS_JSON, readJobsFolder, type ReadFolderOptions } from './read-folder.js';
export { formatSettingsLine, splitSettingsLine } from './settings-line.js';
export { syncJobsFolder } from './sync-folder.js';
export type { FolderContents, FolderJob, FolderProblem, FolderSource, JobWriter, SyncLog, SyncResult } from './types.js';

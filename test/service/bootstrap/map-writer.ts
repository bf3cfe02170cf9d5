/**
 * A JobWriter over a Map, standing in for the service in bootstrap tests: it records what the sync
 * asked for, which is what these tests are about.
 */
import type { FolderSource, JobWriter } from '../../../service/bootstrap/types.js';
import type { JobFieldsInput } from '../../../service/jobs/job-input.js';
import { NEW_JOB_STATE, type Job } from '../../../service/jobs/types.js';

export function jobFrom(fields: JobFieldsInput, extra: Partial<Job> = {}): Job {
  return {
    ...fields,
    ...NEW_JOB_STATE,
    path: `${fields.name}.js`,
    version: 1,
    owner: 'user',
    sourceHash: null,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

export class MapWriter implements JobWriter {
  readonly jobs = new Map<string, { job: Job; code: string }>();
  readonly calls: string[] = [];
  /** Names whose create or update the writer refuses, as a store might. */
  readonly refuse = new Set<string>();

  async list(): Promise<Job[]> {
    return [...this.jobs.values()].map((entry) => entry.job);
  }

  async create(fields: JobFieldsInput, code: string, source: FolderSource): Promise<Job> {
    this.calls.push(`create ${fields.name}`);
    if (this.refuse.has(fields.name)) throw new Error(`store refused ${fields.name}`);
    const job = jobFrom(fields, { owner: source.owner, sourceHash: source.sourceHash, path: source.path });
    this.jobs.set(job.name, { job, code });
    return job;
  }

  async update(name: string, fields: Partial<JobFieldsInput>, code: string | null, source: FolderSource): Promise<Job> {
    this.calls.push(`update ${name} ${code === null ? 'settings' : 'code'}`);
    const entry = this.jobs.get(name);
    if (!entry || this.refuse.has(name)) throw new Error(`store refused ${name}`);
    const job: Job = {
      ...entry.job,
      ...fields,
      owner: source.owner,
      sourceHash: source.sourceHash,
      path: source.path,
      version: entry.job.version + (code === null ? 0 : 1),
    };
    this.jobs.set(name, { job, code: code ?? entry.code });
    return job;
  }

  async remove(name: string): Promise<boolean> {
    this.calls.push(`remove ${name}`);
    return this.jobs.delete(name);
  }
}

/** A log that keeps what it was told. */
export function recordingLog() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const at = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

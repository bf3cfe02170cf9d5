/**
 * Every change a person (API, webmin) or the jobs folder makes to a job goes through here: fields
 * validated at the edge, code checked before it is saved, the schedule planned, the store written,
 * then the scheduler told.
 */
import type { CheckResult } from '../../sandbox/types.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { planCreate, planEdit } from '../scheduler/plan.js';
import type { JobPatch, Store } from '../store/store.js';
import { JobNotFoundError } from '../store/errors.js';
import { InvalidFieldError, ScriptSyntaxError } from './errors.js';
import type { JobFieldsInput } from './job-input.js';
import { JOB_TEMPLATE } from './template.js';
import { NEW_JOB_STATE, type Job, type JobOwner } from './types.js';

/** Where a change comes from; a person's edit makes the job theirs. */
export interface ChangeSource {
  owner: JobOwner;
  sourceHash: string | null;
  path?: string;
}

const PERSON: ChangeSource = { owner: 'user', sourceHash: null };

export interface JobServiceOptions {
  store: Store;
  scheduler: Pick<Scheduler, 'upsert' | 'remove' | 'get'>;
  checkScript: (code: string) => Promise<CheckResult>;
  timeZone: string;
  now?: () => number;
}

export class JobService {
  private readonly now: () => number;

  constructor(private readonly options: JobServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  list(): Promise<Job[]> {
    return this.options.store.listJobs();
  }

  async get(name: string): Promise<Job> {
    const job = await this.options.store.getJob(name);
    if (!job) throw new JobNotFoundError(name);
    return job;
  }

  /** Creates a job; without code it gets the template. Throws JobExistsError, ScriptSyntaxError. */
  async create(fields: JobFieldsInput, code: string | null = null, source: ChangeSource = PERSON): Promise<Job> {
    const script = code ?? JOB_TEMPLATE;
    await this.assertParses(script);
    const now = this.now();
    const draft: Omit<Job, 'version'> = {
      ...fields,
      ...NEW_JOB_STATE,
      path: source.path ?? `${fields.name}.js`,
      owner: source.owner,
      sourceHash: source.sourceHash,
      createdAt: now,
      updatedAt: now,
    };
    const job = await this.options.store.createJob({ ...draft, ...planCreate(draft as Job, now, this.options.timeZone) }, script);
    this.options.scheduler.upsert(job);
    return job;
  }

  /**
   * Applies a partial change of settings (and code, when given) and plans the schedule anew: a
   * changed interval counts from the last scheduled run, reactivation starts a fresh interval.
   */
  async update(
    name: string,
    fields: Partial<JobFieldsInput>,
    code: string | null = null,
    source: ChangeSource = PERSON,
  ): Promise<Job> {
    if (fields.name !== undefined && fields.name !== name) {
      throw new InvalidFieldError('name', 'a job cannot be renamed; create a new job instead');
    }
    const before = await this.get(name);
    const after: Job = { ...before, ...fields };
    if (after.interval === null && after.cron === null) {
      throw new InvalidFieldError('interval', 'a job needs either interval (seconds) or cron');
    }
    if (code !== null) await this.assertParses(code);
    const now = this.now();
    const { name: _same, ...settings } = fields;
    const patch: JobPatch = {
      ...settings,
      ...planEdit(before, after, now, this.options.timeZone),
      owner: source.owner,
      sourceHash: source.sourceHash,
      updatedAt: now,
    };
    if (source.path) patch.path = source.path;
    const job =
      code === null
        ? await this.options.store.updateJob(name, patch)
        : await this.saveAndGet(name, code, { patch });
    this.options.scheduler.upsert(job);
    return job;
  }

  /** Saves a new code version. Throws ScriptSyntaxError (nothing saved) or VersionConflictError. */
  async saveCode(name: string, code: string, baseVersion?: number, source: ChangeSource = PERSON): Promise<number> {
    await this.assertParses(code);
    const job = await this.saveAndGet(name, code, {
      baseVersion,
      patch: { owner: source.owner, sourceHash: source.sourceHash, updatedAt: this.now() },
    });
    this.options.scheduler.upsert(job);
    return job.version;
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.options.store.deleteJob(name);
    if (removed) this.options.scheduler.remove(name);
    return removed;
  }

  private async saveAndGet(name: string, code: string, options: { baseVersion?: number; patch: JobPatch }): Promise<Job> {
    await this.options.store.saveCode(name, code, options);
    return this.get(name);
  }

  private async assertParses(code: string): Promise<void> {
    const check = await this.options.checkScript(code);
    if (!check.ok) throw new ScriptSyntaxError(check.error.message, check.error.line, check.error.column);
  }
}

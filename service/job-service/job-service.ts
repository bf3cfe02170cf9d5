/**
 * The one way the API and the jobs folder read and change jobs. Every change goes: fields
 * validated at the edge, code checked before it is saved, the schedule planned, the store written,
 * then the scheduler told, with the job as the store wrote it (never read back).
 */
import type { CheckResult } from '../../sandbox/types.js';
import { InvalidFieldError, ScriptSyntaxError } from '../jobs/errors.js';
import type { JobFieldsInput } from '../jobs/job-input.js';
import { JOB_TEMPLATE } from '../jobs/template.js';
import { NEW_JOB_STATE, type By, type AlertDelivery, type CodeVersion, type CodeVersionInfo, type Job, type JobOwner, type RunRecord } from '../jobs/types.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { planCreate, planEdit } from '../scheduler/plan.js';
import { upcomingSlots } from '../scheduler/upcoming.js';
import { JobNotFoundError, VersionNotFoundError } from '../store/errors.js';
import type { JobPatch, Store } from '../store/store.js';

/** Where a change comes from; a person's edit makes the job theirs. */
export interface ChangeSource {
  owner: JobOwner;
  sourceHash: string | null;
  path?: string;
  /** Through what a person made it (saved on the code version); null for the jobs folder. */
  by?: By;
}

const PERSON: ChangeSource = { owner: 'user', sourceHash: null };

/** A person's change through the webmin or an API token. */
export function personVia(by: By): ChangeSource {
  return { ...PERSON, by };
}

/** Most upcoming slots one request may ask for. */
export const MAX_UPCOMING = 50;

export interface JobServiceOptions {
  store: Store;
  scheduler: Pick<Scheduler, 'upsert' | 'remove' | 'isRunning' | 'runNow'>;
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
    const job = await this.options.store.createJob({ ...draft, ...planCreate(draft as Job, now, this.options.timeZone) }, script, source.by ?? null);
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
      code === null ? await this.options.store.updateJob(name, patch) : await this.options.store.saveCode(name, code, { patch, by: source.by ?? null });
    this.options.scheduler.upsert(job);
    return job;
  }

  /** Saves a new code version. Throws ScriptSyntaxError (nothing saved) or VersionConflictError. */
  async saveCode(name: string, code: string, baseVersion?: number, source: ChangeSource = PERSON): Promise<Job> {
    await this.assertParses(code);
    const job = await this.options.store.saveCode(name, code, {
      baseVersion,
      patch: { owner: source.owner, sourceHash: source.sourceHash, updatedAt: this.now() },
      by: source.by ?? null,
    });
    this.options.scheduler.upsert(job);
    return job;
  }

  /**
   * Saves version `version`'s code again as the newest version (checked like any save). Throws
   * JobNotFoundError, or VersionNotFoundError when the job has no such version.
   */
  async restore(name: string, version: number, source: ChangeSource = PERSON): Promise<Job> {
    const saved = await this.options.store.getCode(name, version);
    if (!saved) {
      await this.get(name);
      throw new VersionNotFoundError(name, version);
    }
    return this.saveCode(name, saved.code, undefined, source);
  }

  /**
   * The next `n` slot times the job would run at, from now; none while it is inactive or stopped
   * (a `sleep` job wakes at its one slot, a Run Once job that is done has none).
   */
  async upcoming(name: string, n: number): Promise<number[]> {
    const job = await this.get(name);
    if (!job.active || job.nextRunAt === null) return [];
    if (job.status === 'stop' || job.status === 'exit' || job.status === 'once-done') return [];
    if (job.status === 'sleep' || job.runOnce) return [job.nextRunAt];
    return upcomingSlots(job, job.nextRunAt, n, this.options.timeZone);
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.options.store.deleteJob(name);
    if (removed) this.options.scheduler.remove(name);
    return removed;
  }

  /** The service's zone, for jobs without their own. */
  get timeZone(): string {
    return this.options.timeZone;
  }

  isRunning(name: string): boolean {
    return this.options.scheduler.isRunning(name);
  }

  /** Runs the job now, with `code` instead of its saved code if given (a `draft` run). */
  runNow(name: string, code?: string, by: By = null): Promise<RunRecord> {
    return this.options.scheduler.runNow(name, code, by);
  }

  /** The newest code version, or the given one; null if the job or the version does not exist. */
  code(name: string, version?: number): Promise<CodeVersion | null> {
    return this.options.store.getCode(name, version);
  }

  /** Newest first. Every job has a first version, so none means no job. */
  async versions(name: string): Promise<CodeVersionInfo[]> {
    const versions = await this.options.store.listVersions(name);
    if (versions.length === 0) throw new JobNotFoundError(name);
    return versions;
  }

  /** The newest `limit` alert deliveries; the job is looked up only when it has none. */
  async alerts(name: string, limit: number): Promise<AlertDelivery[]> {
    const alerts = await this.options.store.listAlerts(name, limit);
    if (alerts.length === 0) await this.get(name);
    return alerts;
  }

  private async assertParses(code: string): Promise<void> {
    const check = await this.options.checkScript(code);
    if (!check.ok) throw new ScriptSyntaxError(check.error.message, check.error.line, check.error.column);
  }
}

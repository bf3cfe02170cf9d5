/**
 * The one way the API and the jobs folder read and change jobs. Every change goes: fields
 * validated at the edge, code checked before it is saved, the schedule planned, the store written,
 * then the scheduler told, with the job as the store wrote it (never read back).
 */
import type { CheckResult } from '../../sandbox/types.js';
import { findRuleMatch, type CodeRule, type RuleMatch } from '../jobs/code-rules.js';
import { CodePolicyError, InvalidFieldError, ScriptSyntaxError } from '../jobs/errors.js';
import { DEFAULT_SETTINGS, type JobFieldsInput } from '../jobs/job-input.js';
import { parseParams, type JobParams } from '../jobs/params.js';
import { JOB_TEMPLATE } from '../jobs/template.js';
import { compileJob } from '../jobs/typescript.js';
import { SourceMapper } from '../jobs/source-map.js';
import { NEW_JOB_STATE, type By, type CodeText, type JobLanguage, type AlertDelivery, type CodeVersion, type CodeVersionInfo, type Job, type JobOwner, type RunMode, type RunRecord } from '../jobs/types.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { planCreate, planEdit } from '../scheduler/plan.js';
import type { CompiledPeriod } from '../scheduler/period-compile.js';
import { type Upcoming, upcoming } from '../scheduler/upcoming.js';
import { slotAfter } from '../scheduler/cadence.js';
import { JobNotFoundError, VersionNotFoundError } from '../store/errors.js';
import type { JobPatch, Store } from '../store/store.js';

/** Where a change comes from; a person's edit makes the job theirs. */
export interface ChangeSource {
  owner: JobOwner;
  sourceHash: string | null;
  path?: string;
  /** The user who made it (saved on the code version, the job's createdBy/updatedBy); null for the jobs folder. */
  by?: By;
}

const PERSON: ChangeSource = { owner: 'user', sourceHash: null };

/** A user's change, through the webmin or an API token. */
export function personVia(by: By): ChangeSource {
  return { ...PERSON, by };
}

/** Most upcoming slots one request may ask for. */
export const MAX_UPCOMING = 50;

export interface JobServiceOptions {
  store: Store;
  scheduler: Pick<Scheduler, 'upsert' | 'remove' | 'isRunning' | 'runNow'> & Partial<Pick<Scheduler, 'nextRunFor' | 'periodWaitFor' | 'job'>>;
  checkScript: (code: string) => Promise<CheckResult>;
  /** Whether a period of that name exists; a job's `period` must name one. Without it, any name goes. */
  periodExists?: (name: string) => boolean;
  /** Whether a secret of that name exists; a job's `{"$secret": name}` params must name one. Without it, any name goes. */
  secretExists?: (name: string) => Promise<boolean>;
  /** The period of that name as the scheduler uses it, for the upcoming runs; without it, periods are not applied there. */
  compiledPeriod?: (name: string) => CompiledPeriod | null;
  timeZone: string;
  /** QUICKJOBS_CODE_RULES: code matching one is neither saved nor run. */
  codeRules?: readonly CodeRule[];
  /** Told of every refusal by a rule, to log and count it. */
  onPolicyRefusal?: (refusal: RuleMatch & { job: string; action: 'save' | 'run' }) => void;
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
    this.assertPeriod(fields.period);
    await this.assertSecrets(fields.params);
    const script = await this.prepare(code ?? JOB_TEMPLATE, fields.language, fields.name);
    const now = this.now();
    const draft: Omit<Job, 'version'> = {
      ...fields,
      ...NEW_JOB_STATE,
      path: source.path ?? `${fields.name}${fields.language === 'typescript' ? '.ts' : '.js'}`,
      owner: source.owner,
      sourceHash: source.sourceHash,
      createdAt: now,
      updatedAt: now,
      createdBy: source.by ?? null,
      updatedBy: source.by ?? null,
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
    change: ChangeSource = PERSON,
  ): Promise<Job> {
    if (fields.name !== undefined && fields.name !== name) {
      throw new InvalidFieldError('name', 'a job cannot be renamed; create a new job instead');
    }
    const before = await this.get(name);
    const after: Job = { ...before, ...fields };
    if (after.interval === null && after.cron === null) {
      throw new InvalidFieldError('interval', 'a job needs either interval (seconds) or cron');
    }
    if (fields.period !== undefined) this.assertPeriod(fields.period);
    if (fields.params !== undefined) await this.assertSecrets(fields.params);
    // A new language re-saves the code as it is, checked and stripped in that language.
    const source = code ?? (after.language !== before.language ? ((await this.options.store.getCode(name))?.code ?? null) : null);
    const text = source === null ? null : await this.prepare(source, after.language, name);
    const now = this.now();
    const { name: _same, ...settings } = fields;
    const patch: JobPatch = {
      ...settings,
      ...planEdit(before, after, now, this.options.timeZone),
      owner: change.owner,
      sourceHash: change.sourceHash,
      updatedAt: now,
      updatedBy: change.by ?? null,
    };
    if (change.path) patch.path = change.path;
    const job =
      text === null ? await this.options.store.updateJob(name, patch) : await this.options.store.saveCode(name, text, { patch, by: change.by ?? null });
    this.options.scheduler.upsert(job);
    return job;
  }

  /** Saves a new code version. Throws ScriptSyntaxError (nothing saved) or VersionConflictError. */
  async saveCode(name: string, code: string, baseVersion?: number, source: ChangeSource = PERSON): Promise<Job> {
    // The language as the scheduler holds the job saves a read of the store on every save.
    const language = (this.options.scheduler.job?.(name) ?? (await this.get(name))).language;
    const save = async (text: CodeText, base: number | undefined) =>
      this.options.store.saveCode(name, text, {
        baseVersion: base,
        patch: { owner: source.owner, sourceHash: source.sourceHash, updatedAt: this.now(), updatedBy: source.by ?? null },
        by: source.by ?? null,
      });
    let job = await save(await this.prepare(code, language, name), baseVersion);
    // Another node changed the language a moment ago: save the code again, stripped as it now must be.
    if (job.language !== language) job = await save(await this.prepare(code, job.language, name), job.version);
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

  /** The job's next `n` runs from now, its period applied, and the slots its period skips (scheduler/upcoming.ts). */
  upcoming(job: Job, n: number): Upcoming {
    return upcoming(job, this.periodOf(job.period), this.now(), n, this.options.timeZone);
  }

  /** The same for unsaved settings, counted from now as a new job's would be. */
  preview(settings: Pick<Job, 'interval' | 'cron' | 'timezone' | 'period' | 'missed'>, n: number): Upcoming {
    this.assertPeriod(settings.period);
    const now = this.now();
    const job: Job = {
      ...DEFAULT_SETTINGS,
      ...NEW_JOB_STATE,
      ...settings,
      name: 'preview',
      nextRunAt: slotAfter(settings, now, this.options.timeZone),
      path: '',
      owner: 'user',
      sourceHash: null,
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    return upcoming(job, this.periodOf(job.period), now, n, this.options.timeZone);
  }

  private periodOf(name: string | null): CompiledPeriod | null {
    return name === null || !this.options.compiledPeriod ? null : this.options.compiledPeriod(name);
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.options.store.deleteJob(name);
    if (removed) this.options.scheduler.remove(name);
    return removed;
  }

  /** When the job next runs, its period applied; and whether it waits for the period to open. */
  schedule(job: Job): { nextRunAt: number | null; periodWait: { period: string; opensAt: number | null } | null } {
    const scheduler = this.options.scheduler;
    return {
      nextRunAt: scheduler.nextRunFor ? scheduler.nextRunFor(job) : job.nextRunAt,
      periodWait: scheduler.periodWaitFor ? scheduler.periodWaitFor(job) : null,
    };
  }

  /** The service's zone, for jobs without their own. */
  get timeZone(): string {
    return this.options.timeZone;
  }

  isRunning(name: string): boolean {
    return this.options.scheduler.isRunning(name);
  }

  /**
   * Runs the job now, with `code` instead of its saved code if given (a `draft` run); a draft runs `safe` unless
   * told `live`. Throws CodePolicyError when the code breaks a rule.
   */
  async runNow(name: string, code?: string, by: By = null, mode?: RunMode, params?: JobParams): Promise<RunRecord> {
    if (code !== undefined) this.assertAllowed(name, code, 'run');
    else await this.assertSavedAllowed(name);
    // Merged over the job's own for this run only; the job keeps its params.
    const merged = params === undefined ? undefined : { ...(await this.get(name)).params, ...params };
    if (params !== undefined) await this.assertSecrets(params);
    const given = merged === undefined ? {} : { params: merged };
    if (code === undefined) return this.options.scheduler.runNow(name, undefined, by, undefined, given);
    // A TypeScript job's draft is TypeScript: stripped like a save (a syntax error is 422), its errors mapped back.
    const { language } = await this.get(name);
    const draft = await compileJob(code, language);
    const run = draft.compiled === null ? code : { code: draft.compiled, sourceMap: draft.sourceMap };
    return this.options.scheduler.runNow(name, run, by, mode ?? 'safe', given);
  }

  /**
   * Runs the job of `run` again with the params that run recorded (the job's own for a run recorded
   * before params existed), and that run's code version unless `latest`. A draft's code was never
   * saved: the caller answers that before asking for it without `latest`.
   */
  async rerun(run: RunRecord, latest: boolean, by: By = null): Promise<RunRecord> {
    const job = await this.get(run.job);
    const codeVersion = latest || run.codeVersion === null ? undefined : run.codeVersion;
    await this.assertSavedAllowed(job.name, codeVersion);
    const params = run.params ?? job.params;
    return this.options.scheduler.runNow(job.name, undefined, by, undefined, { params, ...(codeVersion === undefined ? {} : { codeVersion }) });
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

  private assertPeriod(period: string | null): void {
    if (period !== null && this.options.periodExists && !this.options.periodExists(period)) {
      throw new InvalidFieldError('period', `period "${period}" does not exist`);
    }
  }

  private async assertSavedAllowed(name: string, version?: number): Promise<void> {
    if (!this.options.codeRules?.length) return;
    const saved = await this.options.store.getCode(name, version);
    if (saved) this.assertAllowed(name, saved.code, 'run');
  }

  /** Every secret the params refer to exists (422 naming the field otherwise). */
  private async assertSecrets(params: JobParams): Promise<void> {
    const exists = this.options.secretExists;
    if (!exists) return;
    for (const { field, name } of parseParams(params).secrets) {
      if (!(await exists(name))) throw new InvalidFieldError(field, `${field} refers to secret "${name}", which does not exist (set it on the Secrets page or with PUT /api/v1/secrets/${name})`);
    }
  }

  private assertAllowed(job: string, code: string, action: 'save' | 'run'): void {
    const rules = this.options.codeRules;
    if (!rules || rules.length === 0) return;
    const match = findRuleMatch(rules, code);
    if (!match) return;
    this.options.onPolicyRefusal?.({ ...match, job, action });
    throw new CodePolicyError(match.rule, match.line, match.column);
  }

  /**
   * The code to save in `language`, checked: the rules, then TypeScript stripped, then the
   * JavaScript parsed by QuickJS. A syntax error throws ScriptSyntaxError at its line in the code
   * as written (the TypeScript line for a TypeScript job); nothing is saved.
   */
  private async prepare(code: string, language: JobLanguage, job: string): Promise<CodeText> {
    this.assertAllowed(job, code, 'save');
    const text = await compileJob(code, language);
    const check = await this.options.checkScript(text.compiled ?? code);
    if (check.ok) return text;
    const { message, line, column } = check.error;
    const mapped = text.sourceMap !== null && line !== undefined ? new SourceMapper(text.sourceMap).toSource({ line, column: column ?? 1 }) : null;
    throw mapped ? new ScriptSyntaxError(message, mapped.line, mapped.column) : new ScriptSyntaxError(message, line, column);
  }
}

/**
 * What the SQLite and MySQL stores share: every Store method delegates to one table object and
 * runs inside `guard`, which passes typed answers through and wraps any other failure in a
 * StoreError naming the action. The tables answer synchronously (better-sqlite3) or with a
 * promise (mysql2); either way each method has committed when its promise settles.
 */
import type {
  AlertDelivery,
  By,
  CodeText,
  CodeVersion,
  CodeVersionInfo,
  FinishedRun,
  Job,
  NewRun,
  RunRecord,
} from '../jobs/types.js';
import type { Period, PeriodPatch } from '../periods/types.js';
import { auditRow, changedAnything, pendingAudit, type PendingAudit } from '../users/audit-context.js';
import type { ApiToken, AuditEntry, AuditQuery, NewAuditEntry, StoredToken, StoredUser, User, UserPatch } from '../users/types.js';
import { DataArgumentError, DataQuotaError, JobBusyError, JobExistsError, JobNotFoundError, LastAdminError, PeriodExistsError, PeriodNotFoundError, SlotTakenError, StoreError, StoreUnavailableError, UserExistsError, UserNotFoundError, VersionConflictError } from './errors.js';
import type { DataObject, DataOwner, DataPageQuery, JobPatch, RunEnd, RunQuery, SaveCodeOptions, StartAnswer, StatsQuery, Store, StoreHealth, StoreStats, StoredSecret } from './store.js';

type Answer<T> = T | Promise<T>;

/** The table objects of one store implementation. */
export interface StoreTables {
  jobs: {
    list(): Answer<Job[]>;
    get(name: string): Answer<Job | null>;
    create(job: Omit<Job, 'version'>, code: string | CodeText, by: By): Answer<Job>;
    update(name: string, patch: JobPatch): Answer<Job>;
    updateMany(patches: Array<{ name: string; patch: JobPatch }>): Answer<void>;
    delete(name: string): Answer<boolean>;
    getCode(name: string, version?: number): Answer<CodeVersion | null>;
    listVersions(name: string): Answer<CodeVersionInfo[]>;
    saveCode(name: string, code: string | CodeText, options: SaveCodeOptions, now: number): Answer<Job>;
  };
  runs: {
    start(run: NewRun): Answer<number>;
    startMany(runs: readonly NewRun[]): Answer<StartAnswer[]>;
    finish(id: number, finished: FinishedRun, jobPatch: JobPatch | undefined): Answer<void>;
    finishMany(ends: readonly RunEnd[]): Answer<void>;
    get(id: number): Answer<RunRecord | null>;
    list(query: RunQuery): Answer<RunRecord[]>;
    stats(query: StatsQuery): Answer<StoreStats>;
    interruptRunning(at: number, message: string, node?: string): Answer<number>;
  };
  data: {
    get(source: string, idOrQuery: string | Record<string, unknown>): Answer<DataObject | null>;
    save(source: string, value: Record<string, unknown>, owner?: DataOwner): Answer<string>;
    delete(source: string, id: string): Answer<boolean>;
    page(source: string, query: DataPageQuery): Answer<DataObject[]>;
  };
  settings: {
    getSetting(key: string): Answer<string | null>;
    setSetting(key: string, value: string): Answer<void>;
    createSession(id: string, expiresAt: number, now: number, user: string): Answer<void>;
    getSession(id: string, now: number): Answer<{ expiresAt: number; user: string } | null>;
    deleteSession(id: string): Answer<void>;
  };
  periods: {
    list(): Answer<Period[]>;
    get(name: string): Answer<Period | null>;
    create(period: Period): Answer<Period>;
    update(name: string, patch: PeriodPatch): Answer<Period>;
    delete(name: string): Answer<boolean>;
  };
  secrets: {
    list(): Answer<StoredSecret[]>;
    get(name: string): Answer<StoredSecret | null>;
    put(secret: StoredSecret): Answer<void>;
    delete(name: string): Answer<boolean>;
    replaceValues(secrets: StoredSecret[]): Answer<void>;
  };
  users: {
    list(): Answer<User[]>;
    get(name: string): Answer<StoredUser | null>;
    create(user: StoredUser): Answer<void>;
    update(name: string, patch: UserPatch): Answer<User>;
    delete(name: string): Answer<boolean>;
    createToken(token: StoredToken): Answer<void>;
    listTokens(owner?: string): Answer<ApiToken[]>;
    getToken(id: string): Answer<StoredToken | null>;
    touchToken(id: string, at: number): Answer<void>;
    deleteToken(id: string): Answer<boolean>;
  };
  audit: {
    append(entry: NewAuditEntry): Answer<void>;
    list(query: AuditQuery): Answer<AuditEntry[]>;
    prune(before: number): Answer<number>;
  };
  alerts: {
    create(alert: Omit<AlertDelivery, 'id'>): Answer<number>;
    update(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): Answer<void>;
    list(job: string, limit: number): Answer<AlertDelivery[]>;
  };
}

/** Errors that are answers, not storage failures: they pass through unwrapped. */
const DOMAIN_ERRORS = [UserExistsError, UserNotFoundError, LastAdminError, PeriodExistsError, PeriodNotFoundError, JobExistsError, JobNotFoundError, VersionConflictError, DataArgumentError, DataQuotaError, SlotTakenError, JobBusyError, StoreError];

/** How a store names itself in failures and in /status. */
export interface StoreIdentity {
  /** "SQLite store", "MySQL store": failures read "SQLite store could not …". */
  label: string;
  kind: string;
  /** Where it is, never a password. */
  detail: string;
  /**
   * The longest a call may take before it fails as unavailable; null for a store that answers
   * synchronously (SQLite bounds its waits with its busy timeout instead).
   */
  deadlineMs: number | null;
}

/** The setting the health check writes: a store that cannot take this write cannot record runs. */
const CHECKED_AT_SETTING = 'store.checkedAt';

export abstract class TableStore implements Store {
  private failing: { error: string; since: number; onWrite: boolean } | null = null;

  protected constructor(
    protected readonly tables: StoreTables,
    private readonly identity: StoreIdentity,
  ) {}

  // ── jobs ──
  async listJobs(): Promise<Job[]> {
    return this.guard('list jobs', () => this.tables.jobs.list());
  }
  async getJob(name: string): Promise<Job | null> {
    return this.guard('read a job', () => this.tables.jobs.get(name));
  }
  async createJob(job: Omit<Job, 'version'>, code: string | CodeText, by: By = null): Promise<Job> {
    return this.guard('create a job', () => this.tables.jobs.create(job, code, by), 'write');
  }
  async updateJob(name: string, patch: JobPatch): Promise<Job> {
    return this.guard('update a job', () => this.tables.jobs.update(name, patch), 'write');
  }
  async updateJobs(patches: Array<{ name: string; patch: JobPatch }>): Promise<void> {
    return this.guard('update jobs', () => this.tables.jobs.updateMany(patches), 'write');
  }
  async deleteJob(name: string): Promise<boolean> {
    return this.guard('delete a job', () => this.tables.jobs.delete(name), 'write');
  }

  // ── code ──
  async getCode(name: string, version?: number): Promise<CodeVersion | null> {
    return this.guard('read code', () => this.tables.jobs.getCode(name, version));
  }
  async listVersions(name: string): Promise<CodeVersionInfo[]> {
    return this.guard('list code versions', () => this.tables.jobs.listVersions(name));
  }
  async saveCode(name: string, code: string | CodeText, options: SaveCodeOptions = {}): Promise<Job> {
    return this.guard('save code', () => this.tables.jobs.saveCode(name, code, options, Date.now()), 'write');
  }

  // ── runs ──
  async startRun(run: NewRun): Promise<number> {
    return this.guard('start a run', () => this.tables.runs.start(run), 'write');
  }
  async startRuns(runs: readonly NewRun[]): Promise<StartAnswer[]> {
    if (runs.length === 0) return [];
    return this.guard('start runs', () => this.tables.runs.startMany(runs), 'write');
  }
  async finishRun(id: number, finished: FinishedRun, jobPatch?: JobPatch): Promise<void> {
    return this.guard('finish a run', () => this.tables.runs.finish(id, finished, jobPatch), 'write');
  }
  async finishRuns(ends: readonly RunEnd[]): Promise<void> {
    if (ends.length === 0) return;
    return this.guard('finish runs', () => this.tables.runs.finishMany(ends), 'write');
  }
  async getRun(id: number): Promise<RunRecord | null> {
    return this.guard('read a run', () => this.tables.runs.get(id));
  }
  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    return this.guard('list runs', () => this.tables.runs.list(query));
  }
  async runStats(query: StatsQuery): Promise<StoreStats> {
    return this.guard('compute run statistics', () => this.tables.runs.stats(query));
  }
  async interruptRunning(at: number, message: string, node?: string): Promise<number> {
    return this.guard('interrupt running runs', () => this.tables.runs.interruptRunning(at, message, node), 'write');
  }

  // ── settings and sessions ──
  async getSetting(key: string): Promise<string | null> {
    return this.guard('read a setting', () => this.tables.settings.getSetting(key));
  }
  async setSetting(key: string, value: string): Promise<void> {
    return this.guard('write a setting', () => this.tables.settings.setSetting(key, value), 'write');
  }
  async createSession(id: string, expiresAt: number, user = 'admin'): Promise<void> {
    return this.guard('create a session', () => this.tables.settings.createSession(id, expiresAt, Date.now(), user), 'write');
  }
  async getSession(id: string, now: number): Promise<{ expiresAt: number; user: string } | null> {
    return this.guard('read a session', () => this.tables.settings.getSession(id, now));
  }
  async deleteSession(id: string): Promise<void> {
    return this.guard('delete a session', () => this.tables.settings.deleteSession(id), 'write');
  }

  // ── users, tokens, audit ──
  async listUsers(): Promise<User[]> {
    return this.guard('list users', () => this.tables.users.list());
  }
  async getUser(name: string): Promise<StoredUser | null> {
    return this.guard('read a user', () => this.tables.users.get(name));
  }
  async createUser(user: StoredUser): Promise<void> {
    return this.guard('create a user', () => this.tables.users.create(user), 'write');
  }
  async updateUser(name: string, patch: UserPatch): Promise<User> {
    return this.guard('update a user', () => this.tables.users.update(name, patch), 'write');
  }
  async deleteUser(name: string): Promise<boolean> {
    return this.guard('delete a user', () => this.tables.users.delete(name), 'write');
  }
  async createToken(token: StoredToken): Promise<void> {
    return this.guard('create a token', () => this.tables.users.createToken(token), 'write');
  }
  async listTokens(owner?: string): Promise<ApiToken[]> {
    return this.guard('list tokens', () => this.tables.users.listTokens(owner));
  }
  async getToken(id: string): Promise<StoredToken | null> {
    return this.guard('read a token', () => this.tables.users.getToken(id));
  }
  async touchToken(id: string, at: number): Promise<void> {
    return this.guard('record a token use', () => this.tables.users.touchToken(id, at), 'write');
  }
  async deleteToken(id: string): Promise<boolean> {
    return this.guard('revoke a token', () => this.tables.users.deleteToken(id), 'write');
  }
  async appendAudit(entry: NewAuditEntry): Promise<void> {
    return this.guard('write the audit trail', () => this.tables.audit.append(entry), 'write');
  }
  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.guard('read the audit trail', () => this.tables.audit.list(query));
  }
  async pruneAudit(before: number): Promise<number> {
    return this.guard('prune the audit trail', () => this.tables.audit.prune(before), 'write');
  }

  // ── core.data ──
  async dataGet(source: string, idOrQuery: string | Record<string, unknown>): Promise<DataObject | null> {
    return this.guard('read data', () => this.tables.data.get(source, idOrQuery));
  }
  async dataSave(source: string, value: Record<string, unknown>, owner?: DataOwner): Promise<string> {
    return this.guard('save data', () => this.tables.data.save(source, value, owner), 'write');
  }
  async dataDelete(source: string, id: string): Promise<boolean> {
    return this.guard('delete data', () => this.tables.data.delete(source, id), 'write');
  }
  async dataPage(source: string, query: DataPageQuery): Promise<DataObject[]> {
    return this.guard('read a data page', () => this.tables.data.page(source, query));
  }

  // ── periods ──
  async listPeriods(): Promise<Period[]> {
    return this.guard('list periods', () => this.tables.periods.list());
  }
  async getPeriod(name: string): Promise<Period | null> {
    return this.guard('read a period', () => this.tables.periods.get(name));
  }
  async createPeriod(period: Period): Promise<Period> {
    return this.guard('create a period', () => this.tables.periods.create(period), 'write');
  }
  async updatePeriod(name: string, patch: PeriodPatch): Promise<Period> {
    return this.guard('update a period', () => this.tables.periods.update(name, patch), 'write');
  }
  async deletePeriod(name: string): Promise<boolean> {
    return this.guard('delete a period', () => this.tables.periods.delete(name), 'write');
  }

  // ── secrets ──
  async listSecrets(): Promise<StoredSecret[]> {
    return this.guard('list secrets', () => this.tables.secrets.list());
  }
  async getSecret(name: string): Promise<StoredSecret | null> {
    return this.guard('read a secret', () => this.tables.secrets.get(name));
  }
  async putSecret(secret: StoredSecret): Promise<void> {
    return this.guard('save a secret', () => this.tables.secrets.put(secret), 'write');
  }
  async deleteSecret(name: string): Promise<boolean> {
    return this.guard('delete a secret', () => this.tables.secrets.delete(name), 'write');
  }
  async replaceSecrets(secrets: StoredSecret[]): Promise<void> {
    return this.guard('rewrite secrets', () => this.tables.secrets.replaceValues(secrets), 'write');
  }

  // ── alerts ──
  async createAlert(alert: Omit<AlertDelivery, 'id'>): Promise<number> {
    return this.guard('create an alert', () => this.tables.alerts.create(alert), 'write');
  }
  async updateAlert(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): Promise<void> {
    return this.guard('update an alert', () => this.tables.alerts.update(id, patch), 'write');
  }
  async listAlerts(job: string, limit: number): Promise<AlertDelivery[]> {
    return this.guard('list alerts', () => this.tables.alerts.list(job, limit));
  }

  async ping(): Promise<{ ok: boolean; kind: string; detail: string }> {
    const { kind, detail } = this.identity;
    try {
      await this.guard('check that it takes writes', () => this.tables.settings.setSetting(CHECKED_AT_SETTING, String(Date.now())), 'write');
      return { ok: true, kind, detail };
    } catch (error) {
      return { ok: false, kind, detail: `${detail}: ${error instanceof StoreUnavailableError ? error.reason : (error as Error).message}` };
    }
  }

  health(): StoreHealth {
    const { kind, detail } = this.identity;
    return { ok: this.failing === null, kind, detail, error: this.failing?.error ?? null, since: this.failing?.since ?? null };
  }

  abstract close(): Promise<void>;

  /**
   * Why a failure means the store cannot be used now (busy, full, read-only, gone), in words; null
   * for any other failure.
   */
  protected abstract unavailableReason(error: unknown): string | null;

  /**
   * A write with the audit entry it earns (users/audit-context.ts). The SQLite store wraps both in
   * one transaction; the MySQL store's transactions insert the entry themselves.
   */
  protected withAudit<T>(call: () => Answer<T>, _audit: PendingAudit): () => Answer<T> {
    return call;
  }

  protected async guard<T>(action: string, call: () => Answer<T>, kind: 'read' | 'write' = 'read'): Promise<T> {
    const audit = kind === 'write' ? pendingAudit() : null;
    if (audit) call = this.withAudit(call, audit);
    let answer: T;
    try {
      answer = await this.withinDeadline(call);
      // A write that took no transaction of its own: the entry follows it at once.
      if (audit && !audit.written && !audit.closed && changedAnything(answer)) {
        await this.tables.audit.append(auditRow(audit, answer));
        audit.written = true;
      }
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw this.failed(error, kind);
      if (DOMAIN_ERRORS.some((type) => error instanceof type)) {
        this.answered(kind);
        throw error;
      }
      const reason = this.unavailableReason(error);
      if (reason !== null) {
        throw this.failed(new StoreUnavailableError(`${this.identity.label} could not ${action}: ${reason}`, reason, { cause: error }), kind);
      }
      throw new StoreError(`${this.identity.label} could not ${action}: ${(error as Error).message}`, { cause: error });
    }
    this.answered(kind);
    return answer;
  }

  private withinDeadline<T>(call: () => Answer<T>): Promise<T> {
    const { deadlineMs, label } = this.identity;
    const work = Promise.resolve().then(call);
    if (deadlineMs === null) return work;
    return new Promise<T>((resolve, reject) => {
      const reason = `no answer within ${deadlineMs / 1000} s`;
      const timer = setTimeout(() => reject(new StoreUnavailableError(`${label} gave ${reason}`, reason)), deadlineMs);
      work.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  private failed(error: StoreUnavailableError, kind: 'read' | 'write'): StoreUnavailableError {
    this.failing = { error: error.reason, since: this.failing?.since ?? Date.now(), onWrite: kind === 'write' || (this.failing?.onWrite ?? false) };
    return error;
  }

  /** A store that failed a write is well again only once a write goes through (a read proves nothing). */
  private answered(kind: 'read' | 'write'): void {
    if (this.failing !== null && (kind === 'write' || !this.failing.onWrite)) this.failing = null;
  }
}

/**
 * The one store interface. Every implementation (SQLite embedded, MySQL shared) passes the same
 * conformance suite in test/service/store/conformance.ts.
 *
 * Durability contract: every method resolves only after its change is committed, so a process
 * killed at any moment afterwards loses nothing it was told about.
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
  RunOutcomeName,
  RunRecord,
  RunTrigger,
} from '../jobs/types.js';
import type { Period, PeriodPatch } from '../periods/types.js';
import type { StatsQuery, StoreStats } from './run-stats.js';
import type { AuditEntry, AuditQuery, NewAuditEntry, StoredToken, StoredUser, User, UserPatch } from '../users/types.js';

export type { StatsQuery, StoreStats };

export type JobPatch = Partial<Omit<Job, 'name' | 'createdAt' | 'version'>>;

/** One run's end, as `finishRuns` takes it. */
export interface RunEnd {
  id: number;
  finished: FinishedRun;
  jobPatch?: JobPatch;
}

/** How the store answered one start of a batch. */
export type StartAnswer = { ok: true; id: number } | { ok: false; error: Error };

export interface RunQuery {
  job?: string;
  /**
   * Only runs with this outcome. The store keeps a run in flight as `running` until it ends (its
   * true start is written with its end, so it costs no write of its own): `queued` and `running`
   * both select the runs in flight, and the service, which knows which hold a thread, tells them apart.
   */
  outcome?: RunOutcomeName;
  /** 1..1000 */
  limit: number;
  /** Only runs with a smaller id. */
  before?: number;
  trigger?: RunTrigger;
  /** Taken up (queued) at or after (epoch ms). */
  since?: number;
  /** Taken up before (epoch ms). */
  until?: number;
}

export interface SaveCodeOptions {
  baseVersion?: number;
  patch?: JobPatch;
  /** Who saves it; null (the default) for the jobs folder or the service. */
  by?: By;
}

export type DataObject = Record<string, unknown> & { _id: string };

/** The job saving a `core.data` object, and the most bytes of objects it may hold. */
export interface DataOwner {
  job: string;
  quotaBytes: number;
}

export interface DataPageQuery {
  /** 1-based. */
  page: number;
  perPage: number;
  sort?: { field: string; order: 'asc' | 'desc' };
  /** Objects whose fields equal these values. */
  query?: Record<string, unknown>;
}

export interface StoreHealth {
  ok: boolean;
  kind: string;
  /** Where the store is (file, user@host:port/db), never a password. */
  detail: string;
  /** Why the store cannot be used, in words; null while it is ok. */
  error: string | null;
  /** Since when it has been failing (epoch ms); null while it is ok. */
  since: number | null;
}

/** A secret as stored: `value` is the ciphertext, never the secret itself. */
export interface StoredSecret {
  name: string;
  value: string;
  updatedAt: number;
  /** Who set it (`webmin`, `token`, `cli`), or null. */
  updatedBy: string | null;
}

export interface Store {
  // ── jobs ──
  listJobs(): Promise<Job[]>;
  getJob(name: string): Promise<Job | null>;
  /** Creates the job and its code as version 1 in one transaction. Throws JobExistsError. */
  createJob(job: Omit<Job, 'version'>, code: string | CodeText, by?: By): Promise<Job>;
  /** Throws JobNotFoundError. Resolves to the updated job. */
  updateJob(name: string, patch: JobPatch): Promise<Job>;
  /** Many updates in one transaction (reload, boot); unknown names are ignored. */
  updateJobs(patches: Array<{ name: string; patch: JobPatch }>): Promise<void>;
  /** Deletes the job, its code versions, runs and alerts. Resolves false if there was none. */
  deleteJob(name: string): Promise<boolean>;

  // ── code ──
  /** The newest version, or the given one. */
  getCode(name: string, version?: number): Promise<CodeVersion | null>;
  listVersions(name: string): Promise<CodeVersionInfo[]>;
  /**
   * Saves a new version and sets the job's `version` (and `updatedAt`, plus `patch` if given) in
   * the same transaction. Throws JobNotFoundError, or VersionConflictError when `baseVersion` is
   * given and is not the newest version. Resolves to the job as written.
   */
  saveCode(name: string, code: string | CodeText, options?: SaveCodeOptions): Promise<Job>;

  // ── runs ──
  /**
   * Records a run as `running` and resolves to its id. This write is the run's claim: the MySQL
   * store refuses a scheduled slot (job, scheduledAt) that is already recorded (SlotTakenError) and
   * a run of a job that is running on any node (JobBusyError), so no two nodes run one slot.
   */
  startRun(run: NewRun): Promise<number>;
  /**
   * Records the starts of several runs in one transaction (one round trip), answering each in
   * order: its id, or why that one row was refused (its job is gone; SlotTakenError, JobBusyError)
   * while the others stand. This write is each run's claim (see `startRun`).
   * Rejects, with nothing written, only when the store itself failed.
   */
  startRuns(runs: readonly NewRun[]): Promise<StartAnswer[]>;
  /**
   * Records how a run ended, and applies `jobPatch` to its job in the same transaction (so the
   * run and the schedule it leads to are never half-written). Keeps the job's newest
   * `runHistory` runs and deletes older ones.
   */
  finishRun(id: number, finished: FinishedRun, jobPatch?: JobPatch): Promise<void>;
  /**
   * Records the ends of several runs, each as `finishRun` would, in one transaction: one commit
   * for all. Rejects, with nothing written, if any part fails.
   */
  finishRuns(ends: readonly RunEnd[]): Promise<void>;
  getRun(id: number): Promise<RunRecord | null>;
  /** Newest first, filtered as `query` says; every filter is served by an index. */
  listRuns(query: RunQuery): Promise<RunRecord[]>;
  /** The dashboard's figures, computed by SQL over the rollups (run-rollups.ts). */
  runStats(query: StatsQuery): Promise<StoreStats>;
  /**
   * Marks every `running` run `interrupted` (at boot, and after a shutdown deadline); with `node`,
   * only the runs that node recorded. Resolves to the count.
   */
  interruptRunning(at: number, message: string, node?: string): Promise<number>;

  // ── settings and sessions ──
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** A session of `user` (default `admin`); also sets the user's `lastLoginAt` to now. */
  createSession(id: string, expiresAt: number, user?: string): Promise<void>;
  /** Resolves to the expiry and the session's user, or null if unknown or expired. */
  getSession(id: string, now: number): Promise<{ expiresAt: number; user: string } | null>;
  deleteSession(id: string): Promise<void>;

  // ── users, API tokens and the audit trail (SPEC §14) ──
  listUsers(): Promise<User[]>;
  getUser(name: string): Promise<StoredUser | null>;
  /** Throws UserExistsError. */
  createUser(user: StoredUser): Promise<void>;
  /**
   * Throws UserNotFoundError, or LastAdminError (nothing written) when it would leave no admin. A
   * new password ends the user's sessions in the same transaction.
   */
  updateUser(name: string, patch: UserPatch): Promise<User>;
  /** Ends the user's sessions and deletes its tokens with it. Throws LastAdminError; false if there was none. */
  deleteUser(name: string): Promise<boolean>;
  createToken(token: StoredToken): Promise<void>;
  /** Every token, or those of one owner; without their hashes. */
  listTokens(owner?: string): Promise<Array<Omit<StoredToken, 'hash'>>>;
  getToken(id: string): Promise<StoredToken | null>;
  /** Records a use of the token. */
  touchToken(id: string, at: number): Promise<void>;
  deleteToken(id: string): Promise<boolean>;
  /** Writes one audit entry on its own (a change that wrote nothing else, a failed login). */
  appendAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes entries older than `before` (epoch ms); resolves to the count. */
  pruneAudit(before: number): Promise<number>;

  // ── core.data ──
  dataGet(source: string, idOrQuery: string | Record<string, unknown>): Promise<DataObject | null>;
  /**
   * Creates (no `_id`) or replaces (with `_id`) and resolves to the id. Given an `owner`, the
   * object is counted against that job's quota (the bytes of the objects it saved last), and a
   * save that would pass it throws DataQuotaError, saving nothing.
   */
  dataSave(source: string, value: Record<string, unknown>, owner?: DataOwner): Promise<string>;
  dataDelete(source: string, id: string): Promise<boolean>;
  dataPage(source: string, query: DataPageQuery): Promise<DataObject[]>;

  // ── periods (SPEC §12) ──
  listPeriods(): Promise<Period[]>;
  getPeriod(name: string): Promise<Period | null>;
  /** Throws PeriodExistsError. */
  createPeriod(period: Period): Promise<Period>;
  /** Throws PeriodNotFoundError. Resolves to the updated period. */
  updatePeriod(name: string, patch: PeriodPatch): Promise<Period>;
  /** Resolves false if there was none. Whether jobs still use it is the caller's check. */
  deletePeriod(name: string): Promise<boolean>;

  // ── secrets (values are ciphertext here: service/secrets/ encrypts and decrypts) ──
  listSecrets(): Promise<StoredSecret[]>;
  getSecret(name: string): Promise<StoredSecret | null>;
  /** Creates or replaces one secret. */
  putSecret(secret: StoredSecret): Promise<void>;
  deleteSecret(name: string): Promise<boolean>;
  /** Rewrites the given secrets in one transaction (a key rotation): all or none. */
  replaceSecrets(secrets: StoredSecret[]): Promise<void>;

  // ── alerts ──
  createAlert(alert: Omit<AlertDelivery, 'id'>): Promise<number>;
  updateAlert(id: number, patch: Pick<AlertDelivery, 'state' | 'attempts' | 'updatedAt'>): Promise<void>;
  listAlerts(job: string, limit: number): Promise<AlertDelivery[]>;

  /**
   * A round trip that writes (a store that can read but not write is not usable), bounded by the
   * store's deadline. Also updates `health()`.
   */
  ping(): Promise<{ ok: boolean; kind: string; detail: string }>;
  /** What the store's own calls have shown, answered at once (for /status and /healthz). */
  health(): StoreHealth;
  close(): Promise<void>;
}

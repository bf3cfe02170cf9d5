/** Domain errors of the store; the HTTP layer maps them to status codes in one place. */

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(readonly jobName: string) {
    super(`job "${jobName}" does not exist`);
  }
}

export class JobExistsError extends Error {
  override name = 'JobExistsError';
  constructor(readonly jobName: string) {
    super(`job "${jobName}" already exists`);
  }
}

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(
    readonly jobName: string,
    readonly baseVersion: number,
    readonly currentVersion: number,
  ) {
    super(`job "${jobName}" is at version ${currentVersion}, not ${baseVersion}: reload the code before saving`);
  }
}

/** A storage failure (disk full, database gone). Never treated as "nothing to do". */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The store cannot be used right now: busy past its timeout, disk full, read-only, the server gone
 * or not answering within the deadline. `reason` says which in words; the API answers 503 and the
 * caller may try again.
 */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
  constructor(
    message: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A `core.data` argument no store can use safely: a field name that is not a plain dotted path, a
 * sort order other than asc/desc, an `_id` that is not a string, a value that is not JSON. The
 * helper maps it to code 801 (wrong argument type); `argument` names the offending one.
 */
export class DataArgumentError extends Error {
  override name = 'DataArgumentError';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

/** A `core.data` save would take its job past its quota; the helper maps it to code 841. */
export class DataQuotaError extends Error {
  override name = 'DataQuotaError';
  constructor(
    readonly job: string,
    readonly quotaBytes: number,
    readonly usedBytes: number,
  ) {
    super(`job "${job}" would hold more than its core.data quota of ${quotaBytes} bytes (it holds ${usedBytes})`);
  }
}

export class PeriodNotFoundError extends Error {
  override name = 'PeriodNotFoundError';
  constructor(readonly periodName: string) {
    super(`period "${periodName}" does not exist`);
  }
}

export class PeriodExistsError extends Error {
  override name = 'PeriodExistsError';
  constructor(readonly periodName: string) {
    super(`period "${periodName}" already exists`);
  }
}

export class VersionNotFoundError extends Error {
  override name = 'VersionNotFoundError';
  constructor(
    readonly jobName: string,
    readonly version: number,
  ) {
    super(`job "${jobName}" has no version ${version}`);
  }
}

/**
 * The slot (job, scheduled time) was already claimed in the store: another node ran it, or this
 * node did before it crashed. The slot must not run again.
 */
export class SlotTakenError extends Error {
  override name = 'SlotTakenError';
  constructor(
    readonly jobName: string,
    readonly scheduledAt: number,
  ) {
    super(`the slot ${new Date(scheduledAt).toISOString()} of job "${jobName}" was already claimed`);
  }
}

/** A run of the job is in flight on some node (no overlap holds across the cluster). */
export class JobBusyError extends Error {
  override name = 'JobBusyError';
  constructor(readonly jobName: string) {
    super(`job "${jobName}" is running; wait for the run to end`);
  }
}

export class UserNotFoundError extends Error {
  override name = 'UserNotFoundError';
  constructor(readonly userName: string) {
    super(`user "${userName}" does not exist`);
  }
}

export class UserExistsError extends Error {
  override name = 'UserExistsError';
  constructor(readonly userName: string) {
    super(`user "${userName}" already exists`);
  }
}

/** Removing or demoting the only admin would leave nobody able to manage users. */
export class LastAdminError extends Error {
  override name = 'LastAdminError';
  constructor(readonly userName: string) {
    super(`"${userName}" is the last admin: make another user admin first`);
  }
}

/**
 * Operational failures of the `core.*` helpers. Each carries the tuple code the guest sees; the
 * dispatcher in index.ts turns them into `[null, message, code]`. Anything else that escapes a
 * helper is a bug and becomes code -1.
 */

/** The codes a helper may answer with (SPEC §3). */
export const HELPER_CODES = {
  unknown: -1,
  emailNotSent: 701,
  emailNotConfigured: 702,
  badAddress: 704,
  wrongType: 801,
  missingArgument: 804,
  network: 815,
  io: 820,
  jsonDecode: 830,
  tooLarge: 840,
  quotaExceeded: 841,
  databaseNotAllowed: 901,
  database: 902,
} as const;
export type HelperCode = (typeof HELPER_CODES)[keyof typeof HELPER_CODES];

export class HelperError extends Error {
  override name = 'HelperError';
  constructor(
    readonly code: HelperCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 801: an argument has the wrong type or shape; `argument` names it as the job author wrote it. */
export class WrongTypeError extends HelperError {
  override name = 'WrongTypeError';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(HELPER_CODES.wrongType, message);
  }
}

/** 804: a required argument is absent (undefined, null or empty). */
export class MissingArgumentError extends HelperError {
  override name = 'MissingArgumentError';
  constructor(
    readonly argument: string,
    message = `${argument} is required`,
  ) {
    super(HELPER_CODES.missingArgument, message);
  }
}

/** 901: the database is not in QUICKJOBS_MYSQL_DATABASES. */
export class DatabaseNotAllowedError extends HelperError {
  override name = 'DatabaseNotAllowedError';
  constructor(readonly database: string) {
    super(HELPER_CODES.databaseNotAllowed, `database "${database}" is not allowed for jobs`);
  }
}

/** 902: the server refused the statement or the connection, or did not answer in time. */
export class DatabaseError extends HelperError {
  override name = 'DatabaseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(HELPER_CODES.database, message, options);
  }
}

/** 701: the SMTP server refused the message or could not be reached. */
export class EmailNotSentError extends HelperError {
  override name = 'EmailNotSentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(HELPER_CODES.emailNotSent, message, options);
  }
}

/** 702: QUICKJOBS_SMTP_URL is not set. */
export class EmailNotConfiguredError extends HelperError {
  override name = 'EmailNotConfiguredError';
  constructor(message = 'email is not configured: set QUICKJOBS_SMTP_URL') {
    super(HELPER_CODES.emailNotConfigured, message);
  }
}

/** 704: an address that is not a valid email address. */
export class BadAddressError extends HelperError {
  override name = 'BadAddressError';
  constructor(
    readonly field: string,
    readonly address: string,
  ) {
    super(HELPER_CODES.badAddress, `${field}: "${address}" is not a valid email address`);
  }
}

/** 815: the request failed, timed out, was too large, or went to a refused address. */
export class NetworkError extends HelperError {
  override name = 'NetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(HELPER_CODES.network, message, options);
  }
}

/** 815: the address policy refused where a request would connect. */
export class BlockedAddressError extends NetworkError {
  override name = 'BlockedAddressError';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      host === address
        ? `blocked address ${address} (${reason}); allow it with QUICKJOBS_NETWORK_ALLOW`
        : `blocked address ${address} (${reason}) for host ${host}; allow it with QUICKJOBS_NETWORK_ALLOW`,
    );
  }
}

/** 820: the data store failed. */
export class DataIoError extends HelperError {
  override name = 'DataIoError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(HELPER_CODES.io, message, options);
  }
}

/** 830: a response body that is not JSON. */
export class JsonDecodeError extends HelperError {
  override name = 'JsonDecodeError';
  constructor(message: string) {
    super(HELPER_CODES.jsonDecode, message);
  }
}

/** 840: a value larger than a helper takes or hands back (a `core.data` object, a call's result). */
export class TooLargeError extends HelperError {
  override name = 'TooLargeError';
  constructor(message: string) {
    super(HELPER_CODES.tooLarge, message);
  }
}

/** 841: the job's `core.data` quota (QUICKJOBS_DATA_QUOTA_MB) would be passed. */
export class QuotaExceededError extends HelperError {
  override name = 'QuotaExceededError';
  constructor(message: string) {
    super(HELPER_CODES.quotaExceeded, message);
  }
}

/** The most useful text of any thrown value (Node's AggregateError for a refused connection has none). */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    const inner = error.errors.map(describeError).filter(Boolean);
    const code = (error as { code?: unknown }).code;
    return inner.length > 0 ? [...new Set(inner)].join('; ') : typeof code === 'string' ? code : 'unknown error';
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

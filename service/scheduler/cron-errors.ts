/**
 * Errors of the cron math. Both mean a caller skipped validation at the edge: the API and the
 * bootstrap folder check `validateCron` and `isValidTimeZone` before a job is saved.
 */

export class InvalidCronError extends Error {
  override readonly name = 'InvalidCronError';
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`invalid cron expression "${expression}": ${reason}`);
  }
}

export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`unknown time zone "${timeZone}"`);
  }
}

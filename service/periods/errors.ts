/** Domain errors of period edits; the HTTP layer maps them to status codes in one place. */

/** 409 `in_use`: a period that jobs or other periods still name. */
export class PeriodInUseError extends Error {
  override name = 'PeriodInUseError';
  constructor(
    readonly periodName: string,
    readonly jobs: string[],
    readonly periods: string[],
  ) {
    const users = [...jobs.map((j) => `job "${j}"`), ...periods.map((p) => `period "${p}"`)];
    super(`period "${periodName}" is in use by ${users.join(', ')}`);
  }
}

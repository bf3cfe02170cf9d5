/** Domain errors of the scheduler; the HTTP layer maps them to status codes in one place. */

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
  constructor(readonly jobName: string) {
    super(`job "${jobName}" is running; wait for the run to end`);
  }
}

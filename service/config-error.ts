/** A setting that stops the start; `variable` names it (e.g. `QUICKJOBS_PORT`). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/**
 * Host-side failures of the sandbox itself. Guest failures (a throw, a timeout, the memory limit)
 * are never thrown: they are `RunOutcome` values.
 */

/** `run()` was called on a pool after `dispose()`. */
export class SandboxDisposedError extends Error {
  override readonly name = 'SandboxDisposedError';
  constructor() {
    super('the sandbox pool has been disposed');
  }
}

/** A worker thread could not start (its file is missing, or QuickJS failed to load in it). */
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

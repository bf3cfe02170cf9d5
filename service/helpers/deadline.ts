/**
 * Bounds a host wait that its library cannot cancel (a pool queue, an SMTP conversation): the
 * helper answers when the work settles, when `ms` pass, or when the run ends, whichever is first.
 * The work itself may finish later in the background; its result is then dropped.
 */
export function withDeadline<T>(
  work: Promise<T>,
  options: { ms: number; signal: AbortSignal; onTimeout: () => Error; onAbort: () => Error },
): Promise<T> {
  const { ms, signal, onTimeout, onAbort } = options;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(onTimeout())), ms);
    const abort = (): void => finish(() => reject(onAbort()));
    signal.addEventListener('abort', abort, { once: true });
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      settle();
    }
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

export const RUN_ENDED = 'the run ended before the call finished';

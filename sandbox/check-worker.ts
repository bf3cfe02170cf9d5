/**
 * The checker thread: compiles scripts on request (compile-check.ts). Its stack is large enough
 * that QuickJS's own stack limit stops a deeply nested script first, as a syntax error with a
 * position. Should the host stack still overflow, the answer says so and the thread ends, because
 * its QuickJS module is no longer sound; the next check starts a fresh thread.
 */
import { parentPort } from 'node:worker_threads';
import { compileCheck } from './compile-check.js';
import { ANSWERED_EXIT, type CheckRequest, type CheckResponse } from './check-thread.js';

const port = parentPort!;
port.on('message', (request: CheckRequest) => {
  void compileCheck(request.code).then(
    (result) => port.postMessage({ id: request.id, result } satisfies CheckResponse),
    (error: unknown) => {
      const message = error instanceof RangeError ? 'the code is nested too deeply to check' : `the check failed: ${(error as Error).message}`;
      port.postMessage({ id: request.id, result: { ok: false, error: { message: `SyntaxError: ${message}` } } } satisfies CheckResponse);
      port.close();
      process.exit(ANSWERED_EXIT);
    },
  );
});
port.postMessage({ ready: true });

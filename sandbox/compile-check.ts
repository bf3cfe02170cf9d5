/**
 * Checks that a script parses, without running it: QuickJS compiles it, wrapped exactly as a run
 * wraps it, so top-level `await` and `return` are accepted and positions match a run's errors.
 * This runs inside the checker thread (check-worker.ts), never on the service's main thread.
 */
import { sandboxModule } from './module.js';
import { MAX_STACK_BYTES } from './limits.js';
import { SCRIPT_FILE, toRunError, wrapScript } from './script.js';
import type { CheckResult } from './types.js';

/** Compile-time memory cap: the parser allocates in proportion to the source. */
const CHECK_MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * Throws a host error (a RangeError) if the parser overflows the thread's own stack before QuickJS
 * notices; the thread's QuickJS module is unusable afterwards.
 */
export async function compileCheck(code: string): Promise<CheckResult> {
  const module = await sandboxModule();
  const context = module.newContext();
  try {
    context.runtime.setMemoryLimit(CHECK_MEMORY_BYTES);
    context.runtime.setMaxStackSize(MAX_STACK_BYTES);
    const compiled = context.evalCode(wrapScript(code), SCRIPT_FILE, { compileOnly: true });
    if (compiled.error) {
      const error = toRunError(context.dump(compiled.error), code);
      compiled.error.dispose();
      return { ok: false, error };
    }
    compiled.value.dispose();
    return { ok: true };
  } finally {
    context.dispose();
  }
}

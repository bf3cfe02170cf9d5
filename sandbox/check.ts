/**
 * `checkScript(code)`: does this script parse? Answered by one shared checker thread
 * (check-thread.ts), so no script, however deeply nested, can overflow the caller's stack.
 */
import { CheckThread } from './check-thread.js';
import type { CheckResult } from './types.js';

let shared: CheckThread | undefined;

export function checkScript(code: string): Promise<CheckResult> {
  shared ??= new CheckThread();
  return shared.check(code);
}

/**
 * The host functions the prelude receives as `host`. Argument handles die when a callback returns
 * (quickjs-emscripten frees them), so each callback reads its arguments into host values at once.
 */
import { randomUUID } from 'node:crypto';
import { Scope, type QuickJSContext, type QuickJSHandle, type VmCallResult } from 'quickjs-emscripten';
import { ARGS_TOO_LARGE, MAX_GUEST_STRING_CHARS } from '../caps.js';
import type { LogLevel } from '../types.js';

export interface HostHandlers {
  log(level: LogLevel, message: string): void;
  /** Starts a host call; returns the id the guest waits on. */
  call(name: string, argsJson: string): number;
  /** Starts a pause; returns the id the guest waits on. */
  sleep(ms: number): number;
  /** `"minute,hour,dayNum,dayMonth,monthNum,weekNum"` now. */
  time(localTime: boolean): string;
  /** `job.run` returned one of the four results (re-checked by the caller). */
  done(result: unknown): void;
  /** The script broke the job contract; the message says how. */
  invalid(message: string): void;
  /** The script or `job.run` threw (or rejected) with this value, dumped. */
  fail(error: unknown): void;
  /** Compiles lazy piece `name` of the prelude (pieces.ts) in the context: its function, or the error. */
  load(name: string): QuickJSHandle | VmCallResult<QuickJSHandle>;
}

const LEVELS: ReadonlySet<string> = new Set<LogLevel>(['info', 'warn', 'error']);

/**
 * A guest string read into the host, at most `max` characters of it (undefined when longer and
 * `cut` is false): a guest can make strings as large as its heap, and each read copies one.
 */
function readString(context: QuickJSContext, handle: QuickJSHandle, max: number, cut: boolean): string | undefined {
  const length = context.getProp(handle, 'length').consume((h) => context.getNumber(h));
  if (!(length > max)) return context.getString(handle);
  if (!cut) return undefined;
  return Scope.withScope((scope) => {
    const slice = scope.manage(context.getProp(handle, 'slice'));
    const head = context.callFunction(slice, handle, scope.manage(context.newNumber(0)), scope.manage(context.newNumber(max)));
    if (head.error) {
      head.error.dispose();
      return '';
    }
    return head.value.consume((h) => context.getString(h));
  });
}

/**
 * Builds the `host` object in `context`. The caller owns the returned handle. `target` gives the
 * handlers at each call: the object is built before the run that will answer it is known.
 */
export function newHostObject(context: QuickJSContext, target: () => HostHandlers): QuickJSHandle {
  return Scope.withScope((scope) => {
    const host = context.newObject();
    const define = (name: string, fn: (...args: QuickJSHandle[]) => QuickJSHandle | VmCallResult<QuickJSHandle> | undefined): void => {
      context.setProp(host, name, scope.manage(context.newFunction(name, fn)));
    };
    define('log', (level, message) => {
      const name = context.getString(level);
      target().log(LEVELS.has(name) ? (name as LogLevel) : 'info', readString(context, message, MAX_GUEST_STRING_CHARS, true) ?? '');
      return undefined;
    });
    define('call', (name, argsJson) =>
      context.newNumber(target().call(context.getString(name), readString(context, argsJson, MAX_GUEST_STRING_CHARS, false) ?? ARGS_TOO_LARGE)),
    );
    define('sleep', (ms) => context.newNumber(target().sleep(context.getNumber(ms))));
    define('uuid', () => context.newString(randomUUID()));
    define('time', (localTime) => context.newString(target().time(context.dump(localTime) === true)));
    define('done', (result) => {
      target().done(context.dump(result));
      return undefined;
    });
    define('invalid', (message) => {
      target().invalid(context.getString(message));
      return undefined;
    });
    define('fail', (error) => {
      target().fail(context.dump(error));
      return undefined;
    });
    define('load', (name) => target().load(context.getString(name)));
    return host;
  });
}

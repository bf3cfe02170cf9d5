/**
 * A host that answers guest host calls inside the worker thread running the guest, instead of on
 * the main thread: each hand-off between threads costs a thread wake-up, which on a small machine
 * is more than a trivial host call itself.
 *
 * The sandbox imports nothing of the service: the pool is given the URL of a module exporting
 * `createHost(options)`, and each worker imports it and builds its own host (its own connections).
 */
import type { HostCall } from './types.js';

/** What a worker needs to build its host: plain data, cloned into every thread. */
export interface InThreadHostSpec {
  /** File URL of an ES module exporting `createHost(options: unknown): Promise<InThreadHost>`. */
  module: string;
  /** Passed to `createHost`; must be structured-cloneable (plain data). */
  options: unknown;
}

export interface InThreadHost {
  call: HostCall;
  /**
   * A safe run ended (or was dropped): undo what it did and resolve to what it held, as plain
   * data. Called once per safe run that has a `draft` object, whether or not it made a call.
   */
  endDraft?(draft: object): Promise<unknown>;
  /**
   * Rewrites what leaves the thread as text: every log line and a failed run's error message pass
   * through it before they are sent. A host that handed a guest something that must never be shown
   * again (a secret) replaces it here, where it knows what it handed out.
   */
  redact?(text: string): string;
  /** Releases what the host holds (connections); awaited before the thread is terminated. */
  close(): Promise<void>;
}

/** A host module did not export what the contract asks. */
export class HostModuleError extends Error {
  override readonly name = 'HostModuleError';
}

export async function loadInThreadHost(spec: InThreadHostSpec): Promise<InThreadHost> {
  const loaded = (await import(spec.module)) as { createHost?: unknown };
  if (typeof loaded.createHost !== 'function') {
    throw new HostModuleError(`${spec.module} exports no createHost function`);
  }
  const host = (await (loaded.createHost as (options: unknown) => Promise<unknown>)(spec.options)) as Partial<InThreadHost> | null;
  if (typeof host?.call !== 'function' || typeof host.close !== 'function') {
    throw new HostModuleError(`createHost of ${spec.module} returned no { call, close }`);
  }
  return host as InThreadHost;
}

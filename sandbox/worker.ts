/**
 * A sandbox worker thread: holds any number of runs, each in its own QuickJS runtime on this
 * thread's module, and executes guest code when the pool sends a `start` or a `reply`, or when
 * the thread's host answers a run's call (without a host module, every call answers "not available").
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { answerHostCall, notAvailable } from './host-bridge.js';
import { loadInThreadHost, type InThreadHost, type InThreadHostSpec } from './in-thread-host.js';
import { newSandboxModule } from './module.js';
import type { FromWorker, RunReport, ThreadMemory, ToWorker } from './protocol.js';
import { prepareContext, type PreparedContext } from './prepared-context.js';
import { JobRun } from './runtime.js';

if (!parentPort) throw new Error('sandbox/worker.ts must run as a worker thread');
const port = parentPort;
const post = (message: FromWorker): void => port.postMessage(message);

/**
 * How long a step may hold log lines before they are sent anyway. With the flush on every
 * interrupt heartbeat, a guest that logs and then computes for long still streams its lines while
 * it runs, yet a short step costs one message, not one a line. Host calls and pauses go at once.
 */
const FLUSH_AFTER_MS = 10;

/**
 * How long a run resumed by the in-thread host may execute before the pool is told the thread is
 * busy. Most resumptions take well under this and cost no message; a spinner is still seen long
 * before the pool would grow for it.
 */
const REPORT_BUSY_AFTER_MS = 5;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const module = await newSandboxModule();
const hostSpec = (workerData as { host?: InThreadHostSpec } | null)?.host;
/** Runs the pool has ended and wants interrupted now, shared with it (worker-slot.ts). */
const interrupts = (workerData as { interrupts?: Int32Array } | null)?.interrupts ?? new Int32Array(0);

function isInterrupted(runId: number): boolean {
  for (let i = 0; i < interrupts.length; i++) if (Atomics.load(interrupts, i) === runId) return true;
  return false;
}

function clearInterrupt(runId: number): void {
  for (let i = 0; i < interrupts.length; i++) Atomics.compareExchange(interrupts, i, runId, 0);
}
let host: InThreadHost | undefined;
if (hostSpec) {
  try {
    host = await loadInThreadHost(hostSpec);
  } catch (error) {
    // Reported, then thrown: the thread ends without ever being ready.
    post({ type: 'fatal', message: `the host module failed to start (${describe(error)})` });
    throw error;
  }
}

interface HeldRun {
  run: JobRun;
  jobName: string;
  /** Made at the first host call; aborted when the run ends or is dropped. */
  abort: AbortController | undefined;
  /** A safe run's token for the host (HostCallContext.draft). */
  draft: object | undefined;
}

const runs = new Map<number, HeldRun>();
let broken = false;

/** The next run's context, prepared while the thread has nothing else to do. */
let spare: PreparedContext | undefined;
let preparing = false;

/** Whether the `start` or `reply` being handled is still to be acknowledged (`idle`). */
let owesIdle = false;

/** When the step the in-thread host resumed began; undefined outside such a step. */
let resumedAt: number | undefined;

/** Events of the step being handled, not yet posted. */
let outbox: RunReport[] = [];
let outboxSince = 0;

function send(event: RunReport): void {
  if (outbox.length === 0) outboxSince = performance.now();
  outbox.push(event);
  if (performance.now() - outboxSince >= FLUSH_AFTER_MS) flush(false);
}

/** Posts the pending events; `idle` when this also finishes handling a `start` or `reply`. */
function flush(idle: boolean): void {
  if (outbox.length === 0 && !idle) return;
  post({ type: 'events', events: outbox, idle });
  outbox = [];
}

function takeContext(): PreparedContext {
  const prepared = spare ?? prepareContext(module);
  spare = undefined;
  if (!preparing) {
    preparing = true;
    setImmediate(() => {
      preparing = false;
      if (broken || spare) return;
      try {
        spare = prepareContext(module);
      } catch (error) {
        fail(error);
      }
    });
  }
  return prepared;
}

/** QuickJS failed; `runId` names the run whose guest code was executing, when one was. */
function fail(error: unknown, runId?: number): void {
  broken = true;
  flush(false);
  post({ type: 'fatal', message: describe(error), ...(runId === undefined ? {} : { runId }) });
}

/**
 * Drops a run's record and stops the host work it started. For a safe run, resolves to what the
 * host held once it has undone the run's work (rolled back, dropped).
 */
function release(runId: number): Promise<unknown> | undefined {
  const held = runs.get(runId);
  runs.delete(runId);
  held?.abort?.abort();
  if (held?.draft === undefined || !host?.endDraft) return undefined;
  return host.endDraft(held.draft).catch((error: unknown) => ({ error: `the draft could not be closed: ${describe(error)}` }));
}

/** Undone drafts still closing; the thread's close waits for them. */
const closingDrafts = new Set<Promise<unknown>>();

/** Answers a host call in this thread, then resumes the run with the answer. */
function callInThread(runId: number, callId: number, name: string, argsJson: string): void {
  const held = runs.get(runId);
  if (!held) return;
  const signal = (held.abort ??= new AbortController()).signal;
  const context = held.draft === undefined ? { jobName: held.jobName, signal } : { jobName: held.jobName, signal, draft: held.draft };
  void answerHostCall(host?.call ?? notAvailable, name, argsJson, context).then((json) => {
    if (broken || runs.get(runId) !== held) return; // ended or dropped meanwhile
    resumedAt = performance.now();
    owesIdle = false;
    try {
      held.run.reply(callId, json);
    } catch (error) {
      fail(error, runId);
      return;
    } finally {
      resumedAt = undefined;
    }
    flush(owesIdle);
    owesIdle = false;
  });
}

function start(runId: number, message: Extract<ToWorker, { type: 'start' }>): void {
  const run = new JobRun(takeContext(), message.request, {
    // Rides with the step's other events: no message of its own.
    began: (at) => send({ type: 'began', runId, at }),
    log: (entry) => send({ type: 'log', runId, entry: host?.redact ? { ...entry, message: host.redact(entry.message) } : entry }),
    call: (callId, name, argsJson) => callInThread(runId, callId, name, argsJson),
    // Sent at once: the pool starts the timer while the step winds down.
    sleep: (callId, ms) => {
      send({ type: 'sleep', runId, callId, ms });
      flush(false);
    },
    end: (ended) => {
      const end = host?.redact && ended.outcome !== 'success' ? { ...ended, error: { ...ended.error, message: host.redact(ended.error.message) } } : ended;
      const closing = release(runId);
      if (closing) {
        // A safe run's outcome goes once its host has undone its work and said what it held.
        closingDrafts.add(closing);
        void closing.then((held) => {
          closingDrafts.delete(closing);
          if (broken) return;
          post({ type: 'events', events: [{ type: 'end', runId, end: { ...end, held } }], idle: false });
        });
      } else {
        send({ type: 'end', runId, end });
      }
      // The guest is done: acknowledge now, and free the runtime while the pool reads the outcome.
      // Should freeing it abort, the fatal names this run, and a run the pool sent meanwhile was
      // never read: the pool runs it elsewhere.
      flush(owesIdle);
      owesIdle = false;
    },
    heartbeat: () => {
      if (resumedAt !== undefined && !owesIdle && performance.now() - resumedAt >= REPORT_BUSY_AFTER_MS) {
        // Told before the pending events, so the pool counts this step before its acknowledgement.
        post({ type: 'busy' });
        owesIdle = true;
      }
      flush(false);
    },
    abandoned: () => isInterrupted(runId),
  });
  const draft = message.request.mode === 'safe' ? {} : undefined;
  runs.set(runId, { run, jobName: message.request.jobName, abort: undefined, draft });
  run.start();
}

/** Drops every run and closes the in-thread host; the pool terminates the thread after. */
async function close(): Promise<void> {
  broken = true;
  for (const [runId, held] of [...runs]) {
    const closing = release(runId);
    if (closing) closingDrafts.add(closing);
    try {
      held.run.cancel();
    } catch {
      // The thread is about to end; a run that fails to free changes nothing.
    }
  }
  try {
    await Promise.allSettled([...closingDrafts]);
    await host?.close();
  } finally {
    post({ type: 'closed' });
  }
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'start':
      start(message.runId, message);
      return;
    case 'reply':
      runs.get(message.runId)?.run.reply(message.callId, message.json);
      return;
    case 'cancel': {
      const run = runs.get(message.runId)?.run;
      const closing = release(message.runId);
      if (closing) {
        closingDrafts.add(closing);
        void closing.finally(() => closingDrafts.delete(closing));
      }
      clearInterrupt(message.runId);
      run?.cancel();
      return;
    }
  }
}

let collectGarbage: (() => void) | undefined;

/** The thread's memory figures; `collect` runs a full collection first (V8's gc, exposed on first use). */
function memory(collect: boolean): ThreadMemory {
  if (collect) {
    if (!collectGarbage) {
      setFlagsFromString('--expose-gc');
      collectGarbage = runInNewContext('gc') as () => void;
    }
    collectGarbage();
  }
  const heap = getHeapStatistics();
  const wasm = (module.getWasmMemory() as unknown as { buffer: ArrayBuffer }).buffer.byteLength;
  return { heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size, wasm };
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void close().catch(() => undefined);
    return;
  }
  if (message.type === 'memory') {
    post({ type: 'memory', memory: memory(message.collect) });
    return;
  }
  // After a host failure the module may be corrupt: run nothing more and wait to be terminated.
  if (broken) return;
  owesIdle = message.type !== 'cancel';
  try {
    handle(message);
  } catch (error) {
    fail(error, message.runId);
    return;
  }
  flush(owesIdle);
  owesIdle = false;
});

// The first run's context is prepared before the thread says it is ready, so the first run on a
// new thread (a spare behind spinners) starts as fast as the next.
spare = prepareContext(module);
post({ type: 'ready' });

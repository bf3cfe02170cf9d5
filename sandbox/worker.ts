/**
 * A sandbox worker thread: holds any number of runs, each in its own QuickJS runtime on this
 * thread's module, and executes guest code only when the pool sends a `start` or a `reply`.
 */
import { parentPort } from 'node:worker_threads';
import { newSandboxModule } from './module.js';
import type { FromWorker, RunEvent, ToWorker } from './protocol.js';
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

const module = await newSandboxModule();
const runs = new Map<number, JobRun>();
let broken = false;

/** The next run's context, prepared while the thread has nothing else to do. */
let spare: PreparedContext | undefined;
let preparing = false;

/** Whether the `start` or `reply` being handled is still to be acknowledged (`idle`). */
let owesIdle = false;

/** Events of the step being handled, not yet posted. */
let outbox: RunEvent[] = [];
let outboxSince = 0;

function send(event: RunEvent): void {
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

function fail(error: unknown): void {
  broken = true;
  flush(false);
  post({ type: 'fatal', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}

function start(runId: number, message: Extract<ToWorker, { type: 'start' }>): void {
  const run = new JobRun(takeContext(), message.request, {
    log: (entry) => send({ type: 'log', runId, entry }),
    // Sent at once: the pool starts the host call or the timer while the step winds down.
    call: (callId, name, argsJson) => {
      send({ type: 'call', runId, callId, name, argsJson });
      flush(false);
    },
    sleep: (callId, ms) => {
      send({ type: 'sleep', runId, callId, ms });
      flush(false);
    },
    end: (end) => {
      runs.delete(runId);
      send({ type: 'end', runId, end });
      // The guest is done: acknowledge now, and free the runtime while the pool reads the outcome.
      flush(owesIdle);
      owesIdle = false;
    },
    heartbeat: () => flush(false),
  });
  runs.set(runId, run);
  run.start();
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'start':
      start(message.runId, message);
      return;
    case 'reply':
      runs.get(message.runId)?.reply(message.callId, message.json);
      return;
    case 'cancel': {
      const run = runs.get(message.runId);
      runs.delete(message.runId);
      run?.cancel();
      return;
    }
  }
}

port.on('message', (message: ToWorker) => {
  // After a host failure the module may be corrupt: run nothing more and wait to be terminated.
  if (broken) return;
  owesIdle = message.type !== 'cancel';
  try {
    handle(message);
  } catch (error) {
    fail(error);
    return;
  }
  flush(owesIdle);
});

post({ type: 'ready' });

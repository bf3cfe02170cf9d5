/**
 * One run of one job, in a prepared context (prepared-context.ts) with its own QuickJS runtime on
 * a shared module: the script, the limits, and the lazy pieces of `core`. The run is driven from
 * outside: `start()`, then `reply()` for each host call or pause it asked for, until the channel's
 * `end` is called once. Between those calls it holds no thread: a run awaiting the host is just
 * memory.
 *
 * Guest failures end the run as values. Host failures (a host RangeError out of QuickJS, an abort
 * while disposing) are thrown from `start`/`reply`/`cancel`: the module may be broken, and the
 * owner of the thread should replace it.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, VmCallResult } from 'quickjs-emscripten';
import { PIECE_SOURCES, isPiece, pieceFile } from './guest/pieces.js';
import { encodeTimeParts, timeParts } from './guest/time-parts.js';
import { capRunError } from './caps.js';
import { LogCap, MemoryWatch, memoryLimitMessage, timeoutMessage } from './limits.js';
import type { PreparedContext } from './prepared-context.js';
import { SCRIPT_FILE, toRunError, wrapScript } from './script.js';
import { JOB_RESULTS, type JobResult, type LogEntry, type RunError, type RunRequest } from './types.js';

/** How a run ended, without its log (the log went out line by line). */
export type RunEnd = ({ outcome: 'success'; result: JobResult } | { outcome: 'error' | 'timeout' | 'interrupted' | 'cancelled'; error: RunError }) & { held?: unknown };

/** What a run asks of whoever drives it. */
export interface RunChannel {
  log(entry: LogEntry): void;
  /** The guest awaits host call `callId`; answer with `reply(callId, JSON of the tuple)`. */
  call(callId: number, name: string, argsJson: string): void;
  /** The guest sleeps; answer with `reply(callId)` after `ms`. */
  sleep(callId: number, ms: number): void;
  /** Called once, when the outcome is known, just before the runtime is disposed. */
  end(end: RunEnd): void;
  /** Called once, with the time (epoch ms) at which the script is handed to QuickJS. */
  began?(at: number): void;
  /** Called every ~0.6 ms while guest code executes: a chance to pass on what the run queued. */
  heartbeat?(): void;
  /** Asked with every heartbeat: true once the run's owner has given up on it (cancelled), to stop a spinning guest. */
  abandoned?(): boolean;
}

const isJobResult = (value: unknown): value is JobResult => (JOB_RESULTS as readonly unknown[]).includes(value);

/** QuickJS signals an exhausted heap only by this error; there is no code to test instead. */
function isOutOfMemory(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const { name, message } = value as Record<string, unknown>;
  return name === 'InternalError' && message === 'out of memory';
}

export class JobRun {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly deadline: number;
  private readonly memory: MemoryWatch;
  private readonly log: LogCap;
  /** The prelude's `settle(id, json)` and `start(main, facts)`, kept until the run ends. */
  private readonly settle: QuickJSHandle;
  private readonly begin: QuickJSHandle;
  private readonly waiting = new Set<number>();
  private nextCallId = 1;
  /** How the guest ended, as reported by the prelude; limits may still overrule it. */
  private reported: RunEnd | undefined;
  private ended = false;
  private started = false;

  /** Takes ownership of `prepared`; it must not be used for another run. */
  constructor(
    prepared: PreparedContext,
    private readonly request: RunRequest,
    private readonly channel: RunChannel,
  ) {
    this.deadline = performance.now() + request.timeoutMs;
    this.log = new LogCap(request.logLimitBytes, (entry) => channel.log(entry));
    this.context = prepared.context;
    this.settle = prepared.settle;
    this.begin = prepared.start;
    this.runtime = this.context.runtime;
    this.memory = new MemoryWatch(request.memoryBytes, () => this.memoryUsed());
    // QuickJS's own limit only stops single allocations larger than the limit (see MemoryWatch).
    this.runtime.setMemoryLimit(request.memoryBytes);
    this.runtime.setInterruptHandler(() => {
      channel.heartbeat?.();
      return performance.now() > this.deadline || channel.abandoned?.() === true || this.memory.poll();
    });
    prepared.bind({
      log: (level, message) => this.log.write(level, message),
      call: (name, argsJson) => this.wait((id) => this.channel.call(id, name, argsJson)),
      sleep: (ms) => this.wait((id) => this.channel.sleep(id, ms)),
      time: (localTime) => encodeTimeParts(timeParts(Date.now(), localTime ? this.request.timeZone : 'UTC')),
      done: (result) => {
        this.reported ??= isJobResult(result)
          ? { outcome: 'success', result }
          : { outcome: 'error', error: { message: `job.run returned ${String(result)}; it must return job.OK, job.SLEEP, job.STOP or job.EXIT` } };
      },
      invalid: (message) => {
        this.reported ??= { outcome: 'error', error: capRunError({ message }) };
      },
      fail: (error) => this.reportError(error),
      load: (name) => this.loadPiece(name),
    });
  }

  /** Evaluates the script and runs until the guest ends or waits on the host. */
  start(): void {
    if (this.started) throw new Error('a run starts only once');
    this.started = true;
    this.step(() => {
      const { context, request } = this;
      const script = wrapScript(request.code);
      this.channel.began?.(Date.now());
      const main = context.evalCode(script, SCRIPT_FILE);
      if (main.error) {
        this.reportError(context.dump(main.error));
        main.error.dispose();
        return;
      }
      const facts = context.newString(JSON.stringify({ name: request.jobName, trigger: request.trigger, lastRunAt: request.lastRunAt, params: request.params ?? {} }));
      const started = context.callFunction(this.begin, context.undefined, main.value, facts);
      main.value.dispose();
      facts.dispose();
      if (started.error) {
        this.reportError(context.dump(started.error));
        started.error.dispose();
      } else {
        started.value.dispose();
      }
    });
  }

  /** Answers host call or pause `callId`; `json` is the tuple's JSON (none for a pause). */
  reply(callId: number, json?: string): void {
    if (this.ended || !this.waiting.delete(callId)) return;
    this.step(() => {
      const settle = this.settle;
      const id = this.context.newNumber(callId);
      const value = json === undefined ? this.context.undefined : this.context.newString(json);
      const result = this.context.callFunction(settle, this.context.undefined, id, value);
      id.dispose();
      value.dispose();
      if (result.error) {
        this.reportError(this.context.dump(result.error));
        result.error.dispose();
      } else {
        result.value.dispose();
      }
    });
  }

  /** Ends the run now without reporting (its owner already gave up on it: timeout, shutdown). */
  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    this.dispose();
  }

  /** Host call and pause ids the guest still awaits. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Compiles a lazy piece of the prelude in this run's context; failing (out of memory, interrupted), it throws in the guest. */
  private loadPiece(name: string): VmCallResult<QuickJSHandle> {
    if (!isPiece(name)) return { error: this.context.newError(`unknown piece of core: ${name}`) };
    return this.context.evalCode(PIECE_SOURCES[name], pieceFile(name));
  }

  private wait(send: (id: number) => void): number {
    const id = this.nextCallId++;
    this.waiting.add(id);
    send(id);
    return id;
  }

  private reportError(value: unknown): void {
    if (this.reported) return;
    if (isOutOfMemory(value)) {
      this.reported = { outcome: 'error', error: { message: memoryLimitMessage(this.request.memoryBytes) } };
      return;
    }
    // Capped here, before a message the guest made as large as its heap crosses to the host.
    this.reported = { outcome: 'error', error: capRunError(toRunError(value, this.request.code)) };
  }

  /** Runs guest code, then its promise jobs, then ends the run if it is over. */
  private step(enter: () => void): void {
    if (this.ended) return;
    enter();
    if (!this.reported) {
      const jobs = this.runtime.executePendingJobs(-1);
      if (jobs.error) {
        this.reportError(this.context.dump(jobs.error));
        jobs.error.dispose();
      }
    }
    const end = this.verdict();
    if (end) this.finish(end);
  }

  /** How the run ends now, or undefined while it waits on the host. Limits overrule the guest. */
  private verdict(): RunEnd | undefined {
    // About to end: sample memory whatever the last sample's age, so a short run is checked too.
    const ending = this.reported !== undefined || performance.now() > this.deadline || this.waiting.size === 0;
    if (ending ? this.memory.check() : this.memory.poll()) {
      return { outcome: 'error', error: { message: memoryLimitMessage(this.request.memoryBytes) } };
    }
    if (performance.now() > this.deadline && this.reported?.outcome !== 'success') {
      // An interrupted guest reports `InternalError: interrupted`; the deadline is the cause.
      return { outcome: 'timeout', error: { message: timeoutMessage(this.request.timeoutMs) } };
    }
    if (this.reported) return this.reported;
    if (this.waiting.size === 0) {
      return {
        outcome: 'error',
        error: { message: 'the job is awaiting a promise that nothing will settle (no host call or core.sleep is pending)' },
      };
    }
    return undefined;
  }

  private finish(end: RunEnd): void {
    this.ended = true;
    // Reported first, so the owner can pass it on while the runtime is freed; a failure to free
    // it is thrown after.
    this.channel.end(end);
    this.dispose();
  }

  private dispose(): void {
    this.waiting.clear();
    this.settle.dispose();
    this.begin.dispose();
    this.context.dispose(); // also disposes the runtime it owns
  }

  private memoryUsed(): number {
    const usage = this.runtime.computeMemoryUsage();
    try {
      const used = this.context.getProp(usage, 'memory_used_size');
      const bytes = this.context.getNumber(used);
      used.dispose();
      return bytes;
    } finally {
      usage.dispose();
    }
  }
}

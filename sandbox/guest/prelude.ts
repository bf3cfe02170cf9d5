/**
 * The guest side of `core`, `console` and the job object: JavaScript evaluated in every run's
 * context before the user's script. It is thin on purpose: arguments cross to the host as JSON and
 * the host validates them; the host answers with the `[result, err, code]` tuple.
 *
 * Compiling is most of what preparing a context costs, so this eager part holds only what every
 * run uses (the job object and the job contract); the rest of `core` and `console`, and the
 * wording of a broken contract, are pieces (pieces.ts) compiled on first use, once per run,
 * through `host.load`.
 *
 * The source evaluates to a function of `host`, the host functions wired in `host-functions.ts`;
 * it is captured in closures here and never reachable from the user's script. The function returns
 * `{ settle, start }` for the host to keep: `settle(id, json)` resolves the guest promise of a host
 * call or sleep, `start(main, facts)` runs the job contract around the script, with the facts of
 * the run (name, trigger, lastRunAt, params) as JSON. Nothing here depends on the run until `start`, so a
 * worker installs the prelude in the next run's context while it is idle.
 */
import { HELPER_FAMILIES, JOB_RESULTS } from '../core-names.js';

/** The file name QuickJS reports for frames in this prelude (never mapped to the user's script). */
export const PRELUDE_FILE = 'quickjobs-core.js';

/** The members of `core` compiled on first use: all but `job` and `uuid`. */
const LAZY_CORE = ['log', 'sleep', ...Object.keys(HELPER_FAMILIES)];

export const PRELUDE_SOURCE = String.raw`(function (host) {
  'use strict';
  let facts;
  const RESULTS = ${JSON.stringify(JOB_RESULTS)};
  const waiters = new Map();
  // No prototype: a setter the script puts on Object.prototype must not see the pieces.
  const pieces = Object.create(null);
  const need = (name) => pieces[name] || (pieces[name] = host.load(name)(need, host, waiters));
  const lazy = (target, names, pick) => {
    for (const name of names) Object.defineProperty(target, name, { get: () => pick(name), enumerable: true });
    return Object.freeze(target);
  };

  const settle = (id, json) => {
    const resolve = waiters.get(id);
    if (resolve === undefined) return;
    waiters.delete(id);
    resolve(json === undefined ? undefined : JSON.parse(json));
  };

  const newJob = () => {
    const job = { run: undefined };
    // A descriptor with a value alone makes a read-only property; the time helpers stay hidden.
    for (const name of RESULTS) Object.defineProperty(job, name, { value: name, enumerable: true });
    for (const name of ['name', 'trigger', 'lastRunAt']) Object.defineProperty(job, name, { value: facts[name], enumerable: true });
    // A copy of its own each run (parsed from the facts), frozen all the way down: read-only.
    const freeze = (value) => {
      if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) freeze(value[key]);
      return Object.freeze(value);
    };
    Object.defineProperty(job, 'params', { value: freeze(facts.params), enumerable: true });
    for (const name of ['minute', 'hour', 'day', 'dayNum', 'dayMonth', 'month', 'monthNum', 'weekNum']) {
      Object.defineProperty(job, name, { value: (localTime) => need('time')[name](localTime) });
    }
    return job;
  };

  const core = lazy({ job: newJob, uuid: () => host.uuid() }, ${JSON.stringify(LAZY_CORE)}, need);
  const LEVELS = { log: 'info', info: 'info', debug: 'info', warn: 'warn', error: 'error' };
  const console = lazy({}, Object.keys(LEVELS), (name) => need('log')[LEVELS[name]]);
  Object.defineProperty(globalThis, 'core', { value: core, enumerable: false });
  Object.defineProperty(globalThis, 'console', { value: console, enumerable: false, writable: true, configurable: true });

  // A broken contract is rare: the code that words the error is the 'contract' piece.
  const runJob = async (main) => {
    const job = await main();
    if (job === null || typeof job !== 'object') return need('contract')('script', job);
    if (typeof job.run !== 'function') return need('contract')('run', job.run);
    const result = await job.run();
    if (!RESULTS.includes(result)) return need('contract')('result', result);
    host.done(result);
  };

  const start = (main, factsJson) => {
    facts = JSON.parse(factsJson);
    runJob(main).then(undefined, (error) => host.fail(error));
  };

  return { settle, start };
})`;

/**
 * The guest side of `core`, `console` and the job object, as JavaScript evaluated in every run's
 * context before the user's script. It is thin on purpose: arguments cross to the host as JSON and
 * the host validates them; the host answers with the `[result, err, code]` tuple.
 *
 * The source evaluates to a function of `(host, facts)`. `host` holds the host functions wired in
 * `host-functions.ts`; it is captured in closures here and never reachable from the user's script.
 * The function returns `{ settle, start }` for the host to keep: `settle(id, json)` resolves the
 * guest promise of a host call or sleep, `start(main)` runs the job contract around the script.
 */

/** The file name QuickJS reports for frames in this prelude (never mapped to the user's script). */
export const PRELUDE_FILE = 'quickjobs-core.js';

export const PRELUDE_SOURCE = String.raw`(function (host, factsJson) {
  'use strict';
  const facts = JSON.parse(factsJson);
  const RESULTS = ['OK', 'SLEEP', 'STOP', 'EXIT'];
  const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const waiters = new Map();

  const clip = (text, max) => (text.length > max ? text.slice(0, max) + '…' : text);

  // One value as console.log shows it: strings as they are, objects as JSON.
  const show = (value) => {
    try {
      switch (typeof value) {
        case 'string': return value;
        case 'undefined': return 'undefined';
        case 'function': return '[Function ' + (value.name || '(anonymous)') + ']';
        case 'bigint': return value + 'n';
        case 'symbol': return value.toString();
        case 'object': {
          if (value === null) return 'null';
          if (value instanceof Error) return value.name + ': ' + value.message;
          const json = JSON.stringify(value);
          return json === undefined ? String(value) : json;
        }
        default: return String(value);
      }
    } catch (error) {
      return '[unprintable ' + typeof value + ']';
    }
  };
  const format = (values) => values.map(show).join(' ');

  // How a wrong value is named in a contract error.
  const describe = (value) => {
    if (typeof value === 'string') return JSON.stringify(clip(value, 60));
    if (typeof value === 'function') return 'a function';
    if (value === null || typeof value !== 'object') return show(value);
    try {
      const json = JSON.stringify(value);
      return json === undefined ? 'an object' : 'an object ' + clip(json, 80);
    } catch (error) {
      return 'an object';
    }
  };

  // Guest values cross as JSON; functions and undefined become null.
  const toJson = (key, value) => (value === undefined || typeof value === 'function' ? null : value);

  const call = (name, args) => {
    // Trailing undefined arguments are absent arguments, not nulls.
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    let json;
    try {
      json = JSON.stringify(args, toJson);
    } catch (error) {
      return Promise.resolve([null, 'arguments must be JSON values (' + show(error) + ')', 801]);
    }
    return new Promise((resolve) => { waiters.set(host.call(name, json), resolve); });
  };

  const settle = (id, json) => {
    const resolve = waiters.get(id);
    if (resolve === undefined) return;
    waiters.delete(id);
    resolve(json === undefined ? undefined : JSON.parse(json));
  };

  const helpers = (prefix, names) => {
    const group = {};
    for (const name of names) group[name] = (...args) => call(prefix + name, args);
    return Object.freeze(group);
  };

  const log = (...values) => { host.log('info', format(values)); };
  log.info = log;
  log.warn = (...values) => { host.log('warn', format(values)); };
  log.error = (...values) => { host.log('error', format(values)); };
  Object.freeze(log);

  const newMessage = () => {
    const fields = { to: [], cc: [], bcc: [], from: null, replyTo: null, subject: null, text: null, html: null };
    const add = (list, value) => {
      if (Array.isArray(value)) list.push(...value);
      else if (value !== undefined) list.push(value);
    };
    const message = {};
    for (const name of ['to', 'cc', 'bcc']) message[name] = (value) => { add(fields[name], value); return message; };
    for (const name of ['from', 'replyTo', 'subject', 'text', 'html']) message[name] = (value) => { fields[name] = value; return message; };
    message.body = message.text;
    message.send = () => call('email.send', [{ ...fields, to: [...fields.to], cc: [...fields.cc], bcc: [...fields.bcc] }]);
    return Object.freeze(message);
  };

  const isObject = (value) => value !== null && typeof value === 'object';

  const data = (source) => Object.freeze({
    get: (idOrQuery) => call('data.get', [source, idOrQuery]),
    save: async (object) => {
      const tuple = await call('data.save', [source, object]);
      if (tuple[1] === null && isObject(object)) {
        try { object._id = tuple[0]; } catch (error) { /* a frozen object keeps its own fields */ }
      }
      return tuple;
    },
    delete: (idOrObject) => call('data.delete', [source, isObject(idOrObject) ? idOrObject._id : idOrObject]),
    getPage: (...args) => call('data.getPage', [source, ...args]),
  });

  const sleep = (seconds) => {
    if (typeof seconds !== 'number' || !(seconds >= 0)) {
      throw new TypeError('core.sleep(seconds) needs a number of seconds >= 0, got ' + describe(seconds));
    }
    return new Promise((resolve) => { waiters.set(host.sleep(seconds * 1000), resolve); });
  };

  // [minute, hour, dayNum, dayMonth, monthNum, weekNum] now, in UTC or the service's zone.
  const timeParts = (localTime) => host.time(localTime === true).split(',').map(Number);

  const newJob = () => {
    const job = { run: undefined };
    const fixed = (value) => ({ value, enumerable: true, writable: false, configurable: false });
    const helper = (pick) => ({ value: (localTime) => pick(timeParts(localTime)), enumerable: false });
    Object.defineProperties(job, {
      OK: fixed('OK'), SLEEP: fixed('SLEEP'), STOP: fixed('STOP'), EXIT: fixed('EXIT'),
      name: fixed(facts.name), trigger: fixed(facts.trigger), lastRunAt: fixed(facts.lastRunAt),
      minute: helper((t) => t[0]),
      hour: helper((t) => t[1]),
      day: helper((t) => DAYS[t[2] - 1]),
      dayNum: helper((t) => t[2]),
      dayMonth: helper((t) => t[3]),
      month: helper((t) => MONTHS[t[4] - 1]),
      monthNum: helper((t) => t[4]),
      weekNum: helper((t) => t[5]),
    });
    return job;
  };

  const core = Object.freeze({
    job: newJob,
    log,
    sleep,
    uuid: () => host.uuid(),
    mysql: helpers('mysql.', ['query', 'select', 'selectOne', 'selectCount', 'insert', 'update', 'delete']),
    network: helpers('network.', ['request', 'get', 'post', 'getJson', 'postJson']),
    email: Object.freeze({ new: newMessage }),
    data,
  });

  const console = Object.freeze({ log, info: log, debug: log, warn: log.warn, error: log.error });
  Object.defineProperty(globalThis, 'core', { value: core, enumerable: false });
  Object.defineProperty(globalThis, 'console', { value: console, enumerable: false, writable: true, configurable: true });

  const runJob = async (main) => {
    const job = await main();
    if (!isObject(job)) return { invalid: 'the script returned ' + describe(job) + '; it must end with "return job"' };
    if (typeof job.run !== 'function') {
      return { invalid: 'job.run is ' + describe(job.run) + '; set it to a function that returns job.OK, job.SLEEP, job.STOP or job.EXIT' };
    }
    const result = await job.run();
    if (!RESULTS.includes(result)) {
      return { invalid: 'job.run returned ' + describe(result) + '; it must return job.OK, job.SLEEP, job.STOP or job.EXIT' };
    }
    return { result };
  };

  const start = (main) => {
    runJob(main).then(
      (end) => (end.invalid !== undefined ? host.invalid(end.invalid) : host.done(end.result)),
      (error) => host.fail(error),
    );
  };

  return { settle, start };
})`;

/**
 * The lazy pieces of the prelude: guest JavaScript compiled in a run's context only when the guest
 * first needs it (`core.log`, `console`, `core.sleep`, a time helper, an I/O family, the words
 * of a broken job contract). Compiling source is most of what starting a context costs, and a run that does not log
 * or call the host should not pay for the code that would.
 *
 * Each source evaluates to a function of `(need, host, waiters)` that returns the piece: `need(name)`
 * gives another piece (compiled once per run), `host` the host functions, `waiters` the map from
 * host call or pause id to the resolver `settle` calls. None of them reaches the user's script.
 */
import { JOB_RESULTS } from '../core-names.js';
import { FAMILY_SOURCES } from './families.js';

/** `job.OK, job.SLEEP, job.STOP or job.EXIT`. */
const RESULT_WORDS = JOB_RESULTS.map((name) => `job.${name}`).join(', ').replace(/, ([^,]*)$/, ' or $1');

/** One value as console.log shows it: strings as they are, objects as JSON. */
const SHOW = String.raw`(function () {
  'use strict';
  return (value) => {
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
})`;

/** How a wrong value is named in a contract error. */
const DESCRIBE = String.raw`(function (need) {
  'use strict';
  const show = need('show');
  const clip = (text, max) => (text.length > max ? text.slice(0, max) + '…' : text);
  return (value) => {
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
})`;

/** Reports a broken job contract to the host, naming the wrong value. */
const CONTRACT = String.raw`(function (need, host) {
  'use strict';
  const describe = need('describe');
  const RESULTS = ${JSON.stringify(RESULT_WORDS)};
  const MESSAGES = {
    script: (value) => 'the script returned ' + describe(value) + '; it must end with "return job"',
    run: (value) => 'job.run is ' + describe(value) + '; set it to a function that returns ' + RESULTS,
    result: (value) => 'job.run returned ' + describe(value) + '; it must return ' + RESULTS,
  };
  return (broken, value) => { host.invalid(MESSAGES[broken](value)); };
})`;

/** `core.log`, with `.info`, `.warn` and `.error`; `console` reads its methods from here too. */
const LOG = String.raw`(function (need, host) {
  'use strict';
  const show = need('show');
  const format = (values) => values.map(show).join(' ');
  const log = (...values) => { host.log('info', format(values)); };
  log.info = log;
  log.warn = (...values) => { host.log('warn', format(values)); };
  log.error = (...values) => { host.log('error', format(values)); };
  return Object.freeze(log);
})`;

const SLEEP = String.raw`(function (need, host, waiters) {
  'use strict';
  const sleep = (seconds) => {
    if (typeof seconds !== 'number' || !(seconds >= 0)) {
      throw new TypeError('core.sleep(seconds) needs a number of seconds >= 0, got ' + need('describe')(seconds));
    }
    return new Promise((resolve) => { waiters.set(host.sleep(seconds * 1000), resolve); });
  };
  return sleep;
})`;

/** The job's time helpers by name, each a function of `localTime`. */
const TIME = String.raw`(function (need, host) {
  'use strict';
  const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // [minute, hour, dayNum, dayMonth, monthNum, weekNum] now, in UTC or the service's zone.
  const parts = (localTime) => host.time(localTime === true).split(',').map(Number);
  const at = (index) => (localTime) => parts(localTime)[index];
  return {
    minute: at(0), hour: at(1), dayNum: at(2), dayMonth: at(3), monthNum: at(4), weekNum: at(5),
    day: (localTime) => DAYS[parts(localTime)[2] - 1],
    month: (localTime) => MONTHS[parts(localTime)[4] - 1],
  };
})`;

/** `call(name, args)`: sends a host call and resolves to its tuple. */
const CALL = String.raw`(function (need, host, waiters) {
  'use strict';
  // Guest values cross as JSON; functions and undefined become null.
  const toJson = (key, value) => (value === undefined || typeof value === 'function' ? null : value);
  return (name, args) => {
    // Trailing undefined arguments are absent arguments, not nulls.
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    let json;
    try {
      json = JSON.stringify(args, toJson);
    } catch (error) {
      return Promise.resolve([null, 'arguments must be JSON values (' + need('show')(error) + ')', 801]);
    }
    return new Promise((resolve) => { waiters.set(host.call(name, json), resolve); });
  };
})`;

export const PIECE_SOURCES = {
  show: SHOW,
  describe: DESCRIBE,
  contract: CONTRACT,
  log: LOG,
  sleep: SLEEP,
  time: TIME,
  call: CALL,
  ...FAMILY_SOURCES,
} as const;

export type Piece = keyof typeof PIECE_SOURCES;

export const isPiece = (name: string): name is Piece => Object.hasOwn(PIECE_SOURCES, name);

/** The file name QuickJS reports for frames in a piece (never mapped to the user's script). */
export const pieceFile = (piece: Piece): string => `quickjobs-core-${piece}.js`;

/**
 * The I/O helper families of `core` (HELPER_FAMILIES in core-names.ts): lazy pieces of the prelude
 * (see pieces.ts). Each passes its arguments to the `call` piece, which sends them to the host and
 * resolves to the `[result, err, code]` tuple.
 */
import { HELPER_FAMILIES, type HelperFamily } from '../core-names.js';

/** A family whose helpers pass their arguments straight to host calls named `family.method`. */
const passThrough = (family: HelperFamily): string => String.raw`(function (need) {
  'use strict';
  const call = need('call');
  const group = {};
  for (const name of ${JSON.stringify(HELPER_FAMILIES[family])}) group[name] = (...args) => call('${family}.' + name, args);
  return Object.freeze(group);
})`;

const EMAIL = String.raw`(function (need) {
  'use strict';
  const call = need('call');
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
  return Object.freeze({ new: newMessage });
})`;

const DATA = String.raw`(function (need) {
  'use strict';
  const call = need('call');
  const isObject = (value) => value !== null && typeof value === 'object';
  return (source) => Object.freeze({
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
})`;

/** `core.secret(name)`, also `core.secret.get(name)`. */
const SECRET = String.raw`(function (need) {
  'use strict';
  const call = need('call');
  const get = (name) => call('secret.get', [name]);
  const secret = (name) => get(name);
  secret.get = get;
  return Object.freeze(secret);
})`;

/** The families whose guest side is more than a pass-through: a message builder, a source object, a callable. */
const OWN_SOURCES: Partial<Record<HelperFamily, string>> = { email: EMAIL, data: DATA, secret: SECRET };

export const FAMILY_SOURCES = Object.fromEntries(
  Object.keys(HELPER_FAMILIES).map((family) => [family, OWN_SOURCES[family as HelperFamily] ?? passThrough(family as HelperFamily)]),
) as Record<HelperFamily, string>;

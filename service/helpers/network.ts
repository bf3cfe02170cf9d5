/** `core.network.*`: argument checks and response shapes over http-fetch.ts. */
import type { HelperMethod } from '../../sandbox/core-names.js';
import { validateHeaderName, validateHeaderValue } from 'node:http';

import type { Held } from '../jobs/held.js';
import type { HostCallContext } from '../../sandbox/types.js';
import { AddressPolicy } from './address-policy.js';
import { isAbsent, optionalHeaders, optionalObject, optionalString, requireString, wrongType } from './args.js';
import type { NetworkConfig } from './config.js';
import { JsonDecodeError, MissingArgumentError, NetworkError, WrongTypeError } from './errors.js';
import { fetchText, type FetchResponse } from './http-fetch.js';

const METHOD = /^[A-Za-z]{1,16}$/;
/** A job may shorten or lengthen its own call; the run's timeout still bounds it. */
const MAX_TIMEOUT_S = 3600;

export class NetworkHelper {
  readonly #policy: AddressPolicy;

  constructor(private readonly config: NetworkConfig) {
    this.#policy = new AddressPolicy(config.allow);
  }

  /** `held`: a safe draft's list; requests other than GET and HEAD go there instead of out. */
  async call(name: HelperMethod<'network'>, args: unknown[], context: HostCallContext, held?: Held): Promise<unknown> {
    const fetch = (url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number | undefined): Promise<FetchResponse> => {
      if (held && method !== 'GET' && method !== 'HEAD') {
        held.requests.push({ method, url: url.href, headers, body: body ?? null });
        return Promise.resolve(HELD_RESPONSE());
      }
      return this.#fetch(url, method, headers, body, timeoutMs, context);
    };
    const url = parseUrl(args[0]);
    switch (name) {
      case 'request': {
        const options = optionalObject(args[1], 'options');
        if (!options) throw new MissingArgumentError('options', 'options with a method are required');
        const method = requireString(options.method, 'options.method');
        if (!METHOD.test(method)) throw new WrongTypeError('options.method', `options.method "${method}" is not an HTTP method`);
        return fetch(url, method.toUpperCase(), headers(options.headers, 'options.headers'), optionalString(options.body, 'options.body'), timeout(options.timeout));
      }
      case 'get':
        return fetch(url, 'GET', headers(args[1], 'headers'), undefined, undefined);
      case 'post': {
        if (isAbsent(args[1])) throw new MissingArgumentError('body');
        if (typeof args[1] !== 'string') throw wrongType('body', 'a string (use postJson for a value)', args[1]);
        return fetch(url, 'POST', headers(args[2], 'headers'), args[1], undefined);
      }
      case 'getJson': {
        const response = await fetch(url, 'GET', { accept: 'application/json', ...headers(args[1], 'headers') }, undefined, undefined);
        if (response.status < 200 || response.status > 299) {
          throw new NetworkError(`GET ${url.href} answered ${response.status}`);
        }
        try {
          return JSON.parse(response.body) as unknown;
        } catch (error) {
          throw new JsonDecodeError(`the response from ${url.href} is not JSON: ${(error as Error).message}`);
        }
      }
      case 'postJson': {
        if (args[1] === undefined) throw new MissingArgumentError('value');
        const body = JSON.stringify(args[1]);
        const given = headers(args[2], 'headers');
        const hasType = Object.keys(given).some((k) => k.toLowerCase() === 'content-type');
        return fetch(url, 'POST', hasType ? given : { 'content-type': 'application/json', ...given }, body, undefined);
      }
    }
  }

  #fetch(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number | undefined, context: HostCallContext): Promise<FetchResponse> {
    return fetchText(
      {
        url,
        method,
        headers,
        body,
        timeoutMs: timeoutMs ?? this.config.timeoutMs,
        maxBytes: this.config.maxBytes,
        maxRedirects: this.config.maxRedirects,
      },
      this.#policy,
      context.signal,
    );
  }
}

/** What a held request answers the draft: a success it can carry on from, marked as held. */
const HELD_RESPONSE = (): FetchResponse => ({ status: 202, headers: { 'x-quickjobs-held': 'true' }, body: '' });

function parseUrl(value: unknown): URL {
  const text = requireString(value, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WrongTypeError('url', `url "${text}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WrongTypeError('url', `url must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  return url;
}

/** Header names and values Node would refuse (line breaks, bad tokens) are the caller's 801. */
function headers(value: unknown, what: string): Record<string, string> {
  const out = optionalHeaders(value, what);
  for (const [name, v] of Object.entries(out)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, v);
    } catch {
      throw new WrongTypeError(`${what}.${name}`, `${what}: "${name}" is not a valid header name and value`);
    }
  }
  return out;
}

function timeout(value: unknown): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !(value > 0) || value > MAX_TIMEOUT_S) {
    throw new WrongTypeError('options.timeout', `options.timeout must be seconds above 0 and at most ${MAX_TIMEOUT_S}`);
  }
  return Math.round(value * 1000);
}

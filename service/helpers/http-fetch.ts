/**
 * One `core.network` request: node:http/https with the address policy applied at connect time
 * and on every redirect hop, redirects followed here (never by a library that would skip the
 * check), an overall deadline, and a body cap enforced while reading.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

import type { AddressPolicy } from './address-policy.js';
import { RUN_ENDED } from './deadline.js';
import { BlockedAddressError, describeError, NetworkError } from './errors.js';
import { safeLookup } from './safe-lookup.js';

export interface FetchRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** False answers a redirect as it is, without following it. Default true. */
  followRedirects?: boolean;
}

export interface FetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin must not follow a redirect to another. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export async function fetchText(request: FetchRequest, policy: AddressPolicy, signal: AbortSignal): Promise<FetchResponse> {
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const both = AbortSignal.any([signal, deadline]);
  const abortError = (): NetworkError =>
    signal.aborted ? new NetworkError(RUN_ENDED) : new NetworkError(`timed out after ${request.timeoutMs / 1000} s`);

  let { url, method, body } = request;
  let headers = { ...request.headers };
  for (let hop = 0; ; hop++) {
    if (both.aborted) throw abortError();
    const response = await send({ url, method, headers, body }, policy, both, abortError);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode ?? 0) || !location || request.followRedirects === false) {
      return { status: response.statusCode ?? 0, headers: response.headers, body: await readBody(response, request.maxBytes, both, abortError) };
    }
    response.resume();
    if (hop >= request.maxRedirects) throw new NetworkError(`more than ${request.maxRedirects} redirects, last to ${location}`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new NetworkError(`redirect to ${next.protocol} refused: only http and https are followed`);
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !ORIGIN_BOUND_HEADERS.includes(k.toLowerCase())));
    }
    // As browsers do: 303 always, and 301/302 after a POST, turn into a GET without a body.
    if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
    }
    url = next;
  }
}

function send(
  hop: { url: URL; method: string; headers: Record<string, string>; body: string | undefined },
  policy: AddressPolicy,
  signal: AbortSignal,
  abortError: () => NetworkError,
): Promise<IncomingMessage> {
  const host = hop.url.hostname.replace(/^\[|\]$/g, '');
  // Node skips `lookup` for a literal address, so a literal is checked here.
  if (isIP(host) !== 0 && !policy.allowsHost(host)) {
    const reason = policy.refusal(host);
    if (reason !== null) return Promise.reject(new BlockedAddressError(host, host, reason));
  }
  let blocked: BlockedAddressError | null = null;
  const headers: Record<string, string> = { 'user-agent': 'quickjobs', ...hop.headers };
  if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));
  const make = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(hop.url, {
      method: hop.method,
      headers,
      signal,
      lookup: safeLookup(policy, (error) => (blocked = error)),
    });
    req.once('response', resolve);
    req.once('error', (error) => {
      if (blocked) reject(blocked);
      else if (signal.aborted) reject(abortError());
      else reject(new NetworkError(`${hop.method} ${hop.url.origin}: ${describeError(error)}`, { cause: error }));
    });
    req.end(hop.body);
  });
}

function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal, abortError: () => NetworkError): Promise<string> {
  const tooLarge = (): NetworkError => new NetworkError(`response larger than ${maxBytes} bytes`);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading at once: the rest of a huge body is never buffered.
        response.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', (error) => reject(signal.aborted ? abortError() : new NetworkError(describeError(error), { cause: error })));
    response.once('close', () => {
      if (!response.complete) reject(signal.aborted ? abortError() : new NetworkError('the connection closed before the response ended'));
    });
  });
}

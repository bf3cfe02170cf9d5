/**
 * One webhook delivery attempt: a signed POST, sent under the same address policy as
 * `core.network` (helpers/address-policy.ts): a job's `notify.webhook` is written by whoever may
 * edit jobs, and must not reach the service's own machine or the network behind it unless
 * QUICKJOBS_NETWORK_ALLOW allows it. The policy is checked on the address actually connected to.
 */
import { createHmac } from 'node:crypto';
import type { AddressPolicy } from '../helpers/address-policy.js';
import { BlockedAddressError } from '../helpers/errors.js';
import { fetchText } from '../helpers/http-fetch.js';

export const SIGNATURE_HEADER = 'X-Quickjobs-Signature';
const ATTEMPT_TIMEOUT_MS = 10_000;
/** The answer is only drained; a receiver cannot make us hold more. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as receivers verify it. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  /** Retrying cannot help (a refused address). */
  permanent?: boolean;
}

export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  secret: string | null,
  policy: AddressPolicy,
): Promise<AttemptOutcome> {
  try {
    const response = await fetchText(
      {
        url: new URL(url),
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...headers,
          ...(secret === null ? {} : { [SIGNATURE_HEADER]: signature(body, secret) }),
        },
        body,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        maxBytes: MAX_ANSWER_BYTES,
        maxRedirects: 0,
        // A redirect would send the signed body somewhere nobody configured.
        followRedirects: false,
      },
      policy,
      new AbortController().signal,
    );
    const ok = response.status >= 200 && response.status < 300;
    return ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    if (error instanceof BlockedAddressError) return { ok: false, error: error.message, permanent: true };
    return { ok: false, error: (error as Error).message };
  }
}

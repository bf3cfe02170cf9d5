/** One webhook delivery attempt: a signed POST. */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Quickjobs-Signature';
const ATTEMPT_TIMEOUT_MS = 10_000;

/** `sha256=<hex HMAC-SHA256 of the raw body>`, as receivers verify it. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface AttemptOutcome {
  ok: boolean;
  status?: number;
  error?: string;
}

export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  secret: string | null,
): Promise<AttemptOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'quickjobs',
        ...headers,
        ...(secret === null ? {} : { [SIGNATURE_HEADER]: signature(body, secret) }),
      },
      body,
      // A redirect would send the signed body somewhere nobody configured.
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    // The body is not needed, but must be drained so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { ok: true, status: response.status } : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

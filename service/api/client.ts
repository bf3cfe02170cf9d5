/**
 * Who is asking, and over what: the peer address and protocol of a request. Behind a reverse proxy
 * every request comes from the proxy over plain HTTP, so with QUICKJOBS_TRUST_PROXY the proxy's
 * `X-Forwarded-For` and `X-Forwarded-Proto` count instead. Without it they are ignored: any client
 * could send them.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface ClientInfo {
  /** The client's IP address, or `unknown` (in-process requests have no socket). */
  address: string;
  /** `https` or `http`, as the client connected. */
  protocol: 'http' | 'https';
  /** The origin the client addressed, e.g. `https://jobs.example.com`. */
  origin: string;
}

export function clientInfo(c: Context, trustProxy: boolean): ClientInfo {
  const url = new URL(c.req.url);
  let protocol: ClientInfo['protocol'] = url.protocol === 'https:' ? 'https' : 'http';
  let address = socketAddress(c);
  if (trustProxy) {
    const proto = lastListed(c.req.header('x-forwarded-proto'))?.toLowerCase();
    if (proto === 'https' || proto === 'http') protocol = proto;
    // The proxy appends the address it saw; entries to its left come from the client and may be forged.
    const forwarded = lastListed(c.req.header('x-forwarded-for'));
    if (forwarded) address = forwarded;
  }
  return { address, protocol, origin: `${protocol}://${url.host}` };
}

function lastListed(header: string | undefined): string | undefined {
  const last = header?.split(',').pop()?.trim();
  return last ? last : undefined;
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

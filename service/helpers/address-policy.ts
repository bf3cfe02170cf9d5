/**
 * Which addresses `core.network` may connect to. A job must not reach the service's own machine,
 * the private network behind it, or a cloud metadata endpoint, unless QUICKJOBS_NETWORK_ALLOW says
 * so. The check runs on the address actually connected to (see safe-lookup.ts), so a name that
 * resolves differently the second time gains nothing.
 */
import { BlockList, isIP } from 'node:net';

import type { NetworkConfig } from './config.js';

const REFUSED: Array<[network: string, prefix: number, family: 'ipv4' | 'ipv6', reason: string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space, CGNAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local, cloud metadata'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved, broadcast'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique local, private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

/** IPv6 forms that carry an IPv4 address a gateway may forward to: mapped and NAT64. */
const EMBEDS_IPV4 = /^(?:::ffff:(?:0:)?|64:ff9b::)((?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4}:[0-9a-f]{1,4})$/i;

function embeddedIpv4(address: string): string | null {
  const match = EMBEDS_IPV4.exec(address);
  if (!match) return null;
  const tail = match[1]!;
  if (tail.includes('.')) return tail;
  const [hi, lo] = tail.split(':').map((h) => parseInt(h, 16)) as [number, number];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export class AddressPolicy {
  readonly #allowHosts: Set<string>;
  readonly #allowed = new BlockList();
  readonly #refused: Array<[BlockList, string]>;

  constructor(allow: NetworkConfig['allow']) {
    this.#allowHosts = new Set(allow.hosts);
    for (const c of allow.cidrs) this.#allowed.addSubnet(c.network, c.prefix, c.family);
    this.#refused = REFUSED.map(([network, prefix, family, reason]) => {
      const list = new BlockList();
      list.addSubnet(network, prefix, family);
      return [list, reason];
    });
  }

  /** True when the URL's host name is on the allow list, which exempts every address it resolves to. */
  allowsHost(host: string): boolean {
    return this.#allowHosts.has(host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, ''));
  }

  /** Why `address` is refused, or null when a job may connect to it. */
  refusal(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return 'not an IP address';
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.#allowed.check(address, type) || this.allowsHost(address)) return null;
    const v4 = type === 'ipv6' ? embeddedIpv4(address) : null;
    if (v4 !== null) {
      const inner = this.refusal(v4);
      if (inner !== null) return inner;
    }
    for (const [list, reason] of this.#refused) {
      if (list.check(address, type)) return reason;
    }
    return null;
  }
}

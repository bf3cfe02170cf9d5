/**
 * A `lookup` for node:http/https that validates what it resolves. Node connects to exactly the
 * addresses this function hands back, so the policy is checked on the address used, with no second
 * resolution an attacker's DNS could answer differently (no DNS-rebinding gap).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

import type { AddressPolicy } from './address-policy.js';
import { BlockedAddressError } from './errors.js';

export function safeLookup(policy: AddressPolicy, onBlocked: (error: BlockedAddressError) => void): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      if (!policy.allowsHost(hostname)) {
        // One refused address refuses the name: a host that mixes public and private answers is
        // exactly what a rebinding attack looks like.
        for (const { address } of addresses) {
          const reason = policy.refusal(address);
          if (reason !== null) {
            const blocked = new BlockedAddressError(hostname, address, reason);
            onBlocked(blocked);
            // Node only passes the error on to the request's 'error' event; its numeric `code` is ours.
            callback(blocked as unknown as NodeJS.ErrnoException, '', 0);
            return;
          }
        }
      }
      if (options.all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
      } else {
        const first = addresses[0];
        if (!first) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        else callback(null, first.address, first.family);
      }
    });
  };
}

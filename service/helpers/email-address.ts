/**
 * Email address checks, kept strict on purpose: an address a job builds from data must never carry
 * a line break or a second address into the SMTP envelope or the headers.
 */

// Local part: RFC 5322 dot-atom characters; domain: dot-separated LDH labels with a letter TLD.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// "Display Name <address>": the name may not hold angle brackets, quotes or control characters.
const NAMED = /^([^<>"\p{Cc}]*)<([^<>]+)>$/u;

/** The bare address of `value` ("a@b.io" or "Name <a@b.io>"), or null when it is not valid. */
export function parseAddress(value: string): { name: string; address: string } | null {
  const trimmed = value.trim();
  const named = NAMED.exec(trimmed);
  const name = named ? named[1]!.trim() : '';
  const address = named ? named[2]!.trim() : trimmed;
  if (address.length > 254 || !ADDRESS.test(address)) return null;
  return { name, address };
}

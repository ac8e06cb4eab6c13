/**
 * Which network addresses a webhook may be sent to. Pure functions, no DNS: the caller resolves
 * the host and asks about every address it got.
 *
 * Refused unless the admin allows private networks: loopback, private ranges, link-local (the
 * cloud metadata service lives at 169.254.169.254), carrier-grade NAT, "this network", multicast
 * and reserved ranges — and the same addresses hidden inside IPv6 (IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`).
 */
import { isIP } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'shared' | 'unspecified' | 'multicast' | 'reserved' | 'invalid';

/** What kind of address `address` is (an IPv4 or IPv6 literal; an IPv6 zone is ignored). */
export function classifyAddress(address: string): AddressClass {
  const literal = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const version = isIP(literal);
  if (version === 4) return classifyIpv4(ipv4Number(literal));
  if (version === 6) return classifyIpv6(ipv6Groups(literal));
  return 'invalid';
}

/** True when a webhook may go to `address` without the admin allowing private networks. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

// ---------------------------------------------------------------------------------------------

/** IPv4 ranges that are not the public internet, most specific reason first. */
const ipv4Ranges: Array<[base: string, prefix: number, kind: Exclude<AddressClass, 'public' | 'invalid'>]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function classifyIpv4(value: number): AddressClass {
  for (const [base, prefix, kind] of ipv4Ranges) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if ((value & mask) >>> 0 === ipv4Number(base)) return kind;
  }
  return 'public';
}

function classifyIpv6(groups: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  const embeddedIpv4 = ((g6 << 16) | g7) >>> 0;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) reach IPv4 hosts.
  if (upperZero && (g5 === 0xffff || g5 === 0)) return classifyIpv4(embeddedIpv4);
  // NAT64 translates to the embedded IPv4 address; so does 6to4 (2002:AABB:CCDD::/48).
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyIpv4(embeddedIpv4);
  if (g0 === 0x2002) return classifyIpv4(((g1 << 16) | g2) >>> 0);
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, the old site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // discard-only
  return 'public';
}

function ipv4Number(address: string): number {
  return address.split('.').reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

/** The eight 16-bit groups of a valid IPv6 literal (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4Number(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const missing = tail === undefined ? 0 : 8 - front.length - back.length;
  return [...front, ...new Array<number>(missing).fill(0), ...back];
}

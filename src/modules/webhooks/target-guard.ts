/**
 * The SSRF guard: may a webhook be sent to this URL? Only http and https, without credentials
 * in the address, and — unless the admin allowed private networks for the endpoint — only to a
 * host whose every DNS address is on the public internet (see address-policy.ts).
 *
 * It runs when an endpoint is registered and again before every delivery, since a name that
 * resolved to a public address yesterday may point inside the network today. And the connection
 * itself resolves the name once more, through `connectLookup`, which applies the same policy to the
 * addresses it is about to connect to: a DNS server that answers a public address to the check and
 * 127.0.0.1 a moment later (DNS rebinding) gets a refused connect, not a request inside.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress, type AddressClass } from './address-policy';

/** Every address a host name resolves to. Tests pass their own. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export type TargetProblem = 'invalid-url' | 'scheme' | 'credentials' | 'unresolvable' | 'private-address';

export type TargetCheck = { ok: true } | { ok: false; problem: TargetProblem; address?: string; addressClass?: AddressClass };

export type TargetRefusal = Extract<TargetCheck, { ok: false }>;

/** What a connect through `connectLookup` fails with when the policy refuses the address. */
export class WebhookTargetRefused extends Error {
  constructor(readonly refusal: TargetRefusal) {
    super(describeRefusal(refusal));
    this.name = 'WebhookTargetRefused';
  }
}

/** The URL's own problem (no DNS): not a URL, not http(s), user and password in it. */
export function urlProblem(text: string): TargetProblem | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'invalid-url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme';
  // Node would send them as Basic auth, and a secret belongs in the signature, not the address.
  if (url.username !== '' || url.password !== '') return 'credentials';
  return undefined;
}

export async function checkWebhookTarget(text: string, options: { allowPrivateNetwork: boolean; resolveHost?: HostResolver }): Promise<TargetCheck> {
  const problem = urlProblem(text);
  if (problem) return { ok: false, problem };
  if (options.allowPrivateNetwork) return { ok: true };

  const hostname = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1');
  // An address in the URL is connected to as it is, without DNS: judge it, not what a resolver says.
  if (isIP(hostname)) return judgeAddresses([hostname]);
  let addresses: string[];
  try {
    addresses = await (options.resolveHost ?? systemResolver)(hostname);
  } catch {
    return { ok: false, problem: 'unresolvable' };
  }
  if (addresses.length === 0) return { ok: false, problem: 'unresolvable' };
  return judgeAddresses(addresses);
}

/**
 * The DNS lookup for the webhook's connection (node:http's `lookup` option): resolves with
 * `resolveHost` and, unless the endpoint allows private networks, fails the connect with
 * `WebhookTargetRefused` when any address is refused, so the socket only ever gets addresses the
 * policy has just judged. A resolver error is passed on as it is (a network error, retried).
 */
export function connectLookup(options: { allowPrivateNetwork: boolean; resolveHost?: HostResolver }): LookupFunction {
  const resolveHost = options.resolveHost ?? systemResolver;
  return (hostname, lookupOptions, callback) => {
    resolveHost(hostname).then(
      (resolved) => {
        const addresses = resolved.filter((address) => matchesFamily(address, lookupOptions));
        if (addresses.length === 0) return callback(notFound(hostname), '');
        const check = options.allowPrivateNetwork ? ({ ok: true } as const) : judgeAddresses(addresses);
        if (!check.ok) return callback(new WebhookTargetRefused(check), '');
        if (lookupOptions.all) return callback(null, addresses.map((address): LookupAddress => ({ address, family: isIP(address) })));
        return callback(null, addresses[0], isIP(addresses[0]));
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** One line for the delivery log, e.g. "refused: the host resolves to 10.0.0.7 (private)". */
export function describeRefusal(check: TargetRefusal): string {
  switch (check.problem) {
    case 'private-address':
      return `refused: the host resolves to ${check.address} (${check.addressClass}), and this endpoint does not allow private networks`;
    case 'unresolvable':
      return 'refused: the host name could not be resolved';
    case 'scheme':
      return 'refused: only http and https URLs are allowed';
    case 'credentials':
      return 'refused: the URL contains a user name or password';
    default:
      return 'refused: not a valid URL';
  }
}

// ---------------------------------------------------------------------------------------------

/** Refused when any address is not public: a client may try them all, so each must be safe. */
function judgeAddresses(addresses: string[]): TargetCheck {
  for (const address of addresses) {
    const addressClass = classifyAddress(address);
    if (addressClass !== 'public') return { ok: false, problem: 'private-address', address, addressClass };
  }
  return { ok: true };
}

/** The connect may ask for IPv4 or IPv6 only (`family` 4 or 6); 0 or none means either. */
function matchesFamily(address: string, { family }: LookupOptions): boolean {
  const wanted = family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : (family ?? 0);
  return wanted === 0 || isIP(address) === wanted;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

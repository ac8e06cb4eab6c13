/**
 * The SSRF guard: may a webhook be sent to this URL? Only http and https, without credentials
 * in the address, and — unless the admin allowed private networks for the endpoint — only to a
 * host whose every DNS address is on the public internet (see address-policy.ts).
 *
 * It runs when an endpoint is registered and again before every delivery, since a name that
 * resolved to a public address yesterday may point inside the network today (DNS rebinding).
 */
import { lookup } from 'node:dns/promises';
import { classifyAddress, type AddressClass } from './address-policy';

/** Every address a host name resolves to. Tests pass their own. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export type TargetProblem = 'invalid-url' | 'scheme' | 'credentials' | 'unresolvable' | 'private-address';

export type TargetCheck = { ok: true } | { ok: false; problem: TargetProblem; address?: string; addressClass?: AddressClass };

/** The URL's own problem (no DNS): not a URL, not http(s), user and password in it. */
export function urlProblem(text: string): TargetProblem | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'invalid-url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'scheme';
  // fetch refuses such URLs, and a secret belongs in the signature, not the address.
  if (url.username !== '' || url.password !== '') return 'credentials';
  return undefined;
}

export async function checkWebhookTarget(text: string, options: { allowPrivateNetwork: boolean; resolveHost?: HostResolver }): Promise<TargetCheck> {
  const problem = urlProblem(text);
  if (problem) return { ok: false, problem };
  if (options.allowPrivateNetwork) return { ok: true };

  const hostname = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = await (options.resolveHost ?? systemResolver)(hostname);
  } catch {
    return { ok: false, problem: 'unresolvable' };
  }
  if (addresses.length === 0) return { ok: false, problem: 'unresolvable' };
  for (const address of addresses) {
    const addressClass = classifyAddress(address);
    if (addressClass !== 'public') return { ok: false, problem: 'private-address', address, addressClass };
  }
  return { ok: true };
}

/** One line for the delivery log, e.g. "refused: the host resolves to 10.0.0.7 (private)". */
export function describeRefusal(check: Extract<TargetCheck, { ok: false }>): string {
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

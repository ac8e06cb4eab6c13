/**
 * Where to send a browser after sign-in. A `returnTo` taken from a link must never lead to
 * another site ("open redirect"), so only a path on this site is accepted.
 */
export function localPathOr(candidate: unknown, fallback: string): string {
  if (typeof candidate !== 'string' || candidate.length > 2000) return fallback;
  // "//evil.example" and "/\\evil.example" are read by browsers as other hosts.
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  // Control characters (tabs, new lines) are dropped by browsers and can hide a "//".
  if ([...candidate].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '\\')) return fallback;
  const base = 'http://this.site';
  const url = new URL(candidate, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

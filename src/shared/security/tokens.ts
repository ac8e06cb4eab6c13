/**
 * Unguessable link tokens (survey links, unsubscribe links): 256 random bits, URL-safe. Only the
 * SHA-256 hash is stored, so a leaked database does not hand out working links.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface LinkToken {
  token: string;
  hash: string;
}

export function newLinkToken(): LinkToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token as we issue it: 43 base64url characters. Anything else is rejected before a lookup. */
export function looksLikeLinkToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

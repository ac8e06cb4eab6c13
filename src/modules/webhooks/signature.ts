/**
 * Signing webhook requests, in the manner of Standard Webhooks (same header names), with a
 * simpler signature receivers can check in a few lines:
 *
 *   Webhook-Id:        the event id (the same on every retry and redelivery: receivers dedupe on it)
 *   Webhook-Timestamp: Unix seconds when this attempt was signed
 *   Webhook-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>
 *
 * The key is the endpoint's secret exactly as shown to the admin (its UTF-8 bytes, prefix
 * included; it is not base64-decoded). For a day after the secret is rotated the header
 * carries two signatures separated by a space, the new one first; a receiver accepts the request
 * when any `v1=` value matches.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const webhookSecretPrefix = 'cwbwh_';

/** A new endpoint secret: the prefix and 32 random bytes in base64url. */
export function newWebhookSecret(): string {
  return `${webhookSecretPrefix}${randomBytes(32).toString('base64url')}`;
}

/** The hex HMAC-SHA256 of `${timestamp}.${body}` under `secret`. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Webhook-Signature header for a body signed with each of `secrets` (current first). */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`).join(' ');
}

export interface ReceivedWebhook {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

/**
 * The receiver's check, as documented in the README: the timestamp is recent (5 minutes either
 * way by default, against replays) and one of the `v1=` signatures matches.
 */
export function verifyWebhookSignature(secret: string, received: ReceivedWebhook, options: { toleranceSeconds?: number; now?: Date } = {}): boolean {
  const timestamp = Number(received.timestamp);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, received.body), 'hex');
  return (received.signature ?? '')
    .split(' ')
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

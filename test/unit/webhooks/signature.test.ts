import { createHmac, timingSafeEqual } from 'node:crypto';
import { newWebhookSecret, signatureHeader, signatureOf, verifyWebhookSignature } from '../../../src/modules/webhooks/signature';

const secret = 'cwbwh_test-secret';
const body = '{"id":"evt_1","type":"customer.churned"}';
const timestamp = 1767225600; // 2026-01-01T00:00:00Z
const signedAt = new Date(timestamp * 1000);

/** The README's verification recipe, written out as a receiver would copy it. */
function readmeRecipe(headers: Record<string, string>, rawBody: string, key: string, now = Date.now()): boolean {
  const stamp = headers['webhook-timestamp'];
  if (Math.abs(now / 1000 - Number(stamp)) > 300) return false;
  const expected = createHmac('sha256', key).update(`${stamp}.${rawBody}`).digest();
  return headers['webhook-signature'].split(' ').some((part) => {
    const given = Buffer.from(part.replace(/^v1=/, ''), 'hex');
    return part.startsWith('v1=') && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

describe('webhook signatures', () => {
  it('when a body is signed, then the signature is the known HMAC-SHA256 of "timestamp.body" in hex', () => {
    // Computed independently: printf '%s' '1767225600.{…}' | openssl dgst -sha256 -hmac 'cwbwh_test-secret'
    expect(signatureOf(secret, timestamp, body)).toBe('8b12c9a766ececec0da37a55237b3004c55c608be8df8cd2e3c624a7a9051e8f');
    expect(signatureHeader([secret], timestamp, body)).toBe('v1=8b12c9a766ececec0da37a55237b3004c55c608be8df8cd2e3c624a7a9051e8f');
  });

  it('when the receiver checks a fresh, untouched request, then it verifies, with our function and with the README recipe', () => {
    const header = signatureHeader([secret], timestamp, body);
    const now = new Date(signedAt.getTime() + 60_000);

    expect(verifyWebhookSignature(secret, { body, timestamp: String(timestamp), signature: header }, { now })).toBe(true);
    expect(readmeRecipe({ 'webhook-timestamp': String(timestamp), 'webhook-signature': header }, body, secret, now.getTime())).toBe(true);
  });

  it('when the body, the timestamp or the secret differ, then it does not verify', () => {
    const header = signatureHeader([secret], timestamp, body);
    const check = (received: { body?: string; timestamp?: string; signature?: string }, key = secret) =>
      verifyWebhookSignature(key, { body, timestamp: String(timestamp), signature: header, ...received }, { now: signedAt });

    expect(check({ body: body.replace('churned', 'won_back') })).toBe(false);
    expect(check({ timestamp: String(timestamp + 1) })).toBe(false);
    expect(check({}, 'cwbwh_other')).toBe(false);
    expect(check({ signature: 'v1=abc' })).toBe(false);
    expect(check({ signature: '' })).toBe(false);
  });

  it('when the timestamp is older than the tolerance, then it does not verify (a replay)', () => {
    const header = signatureHeader([secret], timestamp, body);
    const received = { body, timestamp: String(timestamp), signature: header };

    expect(verifyWebhookSignature(secret, received, { now: new Date(signedAt.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhookSignature(secret, received, { now: new Date(signedAt.getTime() + 301_000), toleranceSeconds: 600 })).toBe(true);
  });

  it('when the secret was just rotated, then the header carries both signatures and either secret verifies', () => {
    const rotated = newWebhookSecret();
    const header = signatureHeader([rotated, secret], timestamp, body);

    expect(header.split(' ')).toHaveLength(2);
    expect(verifyWebhookSignature(rotated, { body, timestamp: String(timestamp), signature: header }, { now: signedAt })).toBe(true);
    expect(verifyWebhookSignature(secret, { body, timestamp: String(timestamp), signature: header }, { now: signedAt })).toBe(true);
  });

  it('when secrets are made, then each is new and has the prefix and 256 bits', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^cwbwh_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});

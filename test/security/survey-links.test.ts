/**
 * The links customers get by mail are their only credential: survey links carry at least 128
 * random bits (256 in fact), are stored only as hashes, differ every time, and stop working at
 * the invitation's expiry (30 days by default). The expired and unknown links' identical pages
 * are in test/integration/surveys/public-pages.test.ts; campaign links are HMAC-signed.
 */
import { createHash } from 'node:crypto';
import { dispatchDueInvitations } from '../../src/modules/surveys/dispatch.service';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { openSurvey } from '../../src/modules/surveys/responses.service';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { linkSigner } from '../../src/shared/security/link-signing';
import { openMailingTestBed, type MailingTestBed } from '../helpers/mailing';
import { seedCustomers } from './seed';

const invited = 40;
const day = 86_400_000;

let bed: MailingTestBed;
let surveyTokens: string[];

beforeAll(async () => {
  bed = await openMailingTestBed();
  await ensureDefaultSurvey(bed.db.connection);
  const customers = await seedCustomers(bed.db.connection, invited);
  for (const customer of customers) await inviteCustomer(bed.db.connection, customer._id, { origin: 'test', delayMinutes: 0 });
  await dispatchDueInvitations(bed.deps);
  const messages = await bed.sink.waitFor(invited);
  surveyTokens = messages.map((message) => /\/s\/([^\s/?"<>]+)/.exec(message.text)?.[1] ?? '');
}, 30_000);

afterAll(() => bed.close());

describe('survey link tokens', () => {
  it('when survey invitations are mailed, then each link carries 256 random bits, URL-safe, none alike', () => {
    const decoded = surveyTokens.map((token) => Buffer.from(token, 'base64url'));

    expect(surveyTokens).toHaveLength(invited);
    expect(surveyTokens.every((token) => /^[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);
    expect(decoded.every((bytes) => bytes.length * 8 >= 128 && bytes.length === 32)).toBe(true);
    expect(new Set(surveyTokens).size).toBe(invited);
    expect(new Set(surveyTokens.map((token) => token.slice(0, 6))).size).toBe(invited);
    // Random bits are ones about half the time (10,240 bits: 0.5 ± 0.05 is many standard deviations wide).
    const ones = decoded.reduce((sum, bytes) => sum + [...bytes].reduce((count, byte) => count + byte.toString(2).replace(/0/g, '').length, 0), 0);
    expect(ones / (invited * 256)).toBeGreaterThan(0.45);
    expect(ones / (invited * 256)).toBeLessThan(0.55);
  });

  it('when the database is read, then no link is in it in clear, only its SHA-256 hash', async () => {
    const everything = await everyDocumentAsText();
    expect(everything).toContain('tokenHashes');
    const hashes = surveyTokens.map((token) => createHash('sha256').update(token).digest('hex'));

    expect(surveyTokens.filter((token) => everything.includes(token))).toEqual([]);
    expect(hashes.every((hash) => everything.includes(hash))).toBe(true);
  });

  it('when an invitation is sent, then its link expires 30 days later, and opens until then and never after', async () => {
    const [token] = surveyTokens;
    const invitation = await invitationModel(bed.db.connection).findOne({ tokenHashes: createHash('sha256').update(token).digest('hex') }).lean();
    const expiresAt = invitation!.expiresAt.getTime();

    expect(Math.abs(expiresAt - invitation!.sentAt!.getTime() - 30 * day)).toBeLessThan(60_000);
    expect((await openSurvey(bed.db.connection, token, new Date(expiresAt - 1000))).state).toBe('open');
    expect((await openSurvey(bed.db.connection, token, new Date(expiresAt))).state).toBe('closed');
    expect((await openSurvey(bed.db.connection, token, new Date(expiresAt + 365 * day))).state).toBe('closed');
  });

  it('when a link is guessed from its neighbours, then it opens nothing', async () => {
    const [token] = surveyTokens;
    const neighbours = [token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), token.slice(1) + 'A', token.toUpperCase(), `${token}=`, token.slice(0, 22)];

    for (const guess of neighbours) expect((await openSurvey(bed.db.connection, guess)).state).toBe('closed');
  });
});

describe('campaign link signatures', () => {
  it('when a campaign link is signed, then the signature carries 192 bits and verifies only for its own subject', async () => {
    const signer = await linkSigner(bed.db.connection);
    const signature = signer.sign('delivery-1');

    expect(signature).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(signature, 'base64url').length * 8).toBe(192);
    expect(signer.verify('delivery-1', signature)).toBe(true);
    expect(signer.verify('delivery-2', signature)).toBe(false);
    expect(signer.verify('delivery-1', signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A'))).toBe(false);
  });
});

async function everyDocumentAsText(): Promise<string> {
  const collections = await bed.db.connection.db!.listCollections().toArray();
  const texts = await Promise.all(collections.map(async ({ name }) => JSON.stringify(await bed.db.connection.collection(name).find({}).toArray())));
  return texts.join('\n');
}

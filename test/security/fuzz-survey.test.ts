/**
 * Hostile answers on the customer's survey page (POST /s/:token): valid links with random and
 * hostile answers (the page's own choices, missing and repeated answers, wrong values, huge and
 * odd texts, unknown fields), unknown, malformed, used and expired links, and other content
 * types. Never a 5xx; a refused submission writes nothing; a link stores at most one response.
 */
import fc from 'fast-check';
import type { Types } from 'mongoose';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../src/modules/surveys/invitations.service';
import { responseModel } from '../../src/modules/surveys/response.model';
import { newLinkToken } from '../../src/shared/security/tokens';
import { fuzzRuns, fuzzSettings, fuzzShares, fuzzTimeoutMs, startFuzzBed, type FuzzBed, type FuzzRequest } from './fuzz-bed';
import { formBody, hostileFormFields, hostileString, malformedEscapes } from './hostile-values';
import { seedCustomers } from './seed';

let bed: FuzzBed;
/** Links that have not been answered yet; the first is the one the next valid-link input uses. */
const openTokens: string[] = [];
const usedTokens: string[] = [];
let expiredToken: string;
/** The questions on the survey page: field → the values its choices post (empty for free text). */
let questions: Record<string, string[]>;

beforeAll(async () => {
  // Every input comes from its own address (X-Forwarded-For), as customers do, so the page's rate limit stays out of the way.
  bed = await startFuzzBed({ env: { TRUST_PROXY: 'loopback' } });
  await topUpLinks(20);
  expiredToken = (await invitedLinks(1, -1))[0];
  questions = questionsOn((await bed.send({ method: 'GET', path: `/s/${openTokens[0]}`, headers: { 'x-forwarded-for': '10.0.0.1' } })).text);
});

afterAll(async () => {
  bed?.tally.print(`Hostile answers on the survey page (FUZZ_RUNS=${fuzzRuns})`);
  await bed?.close();
});

test('when the survey page gets hostile answers, then none answers 5xx, a refused submission writes nothing, and no link stores two responses', async () => {
  const runs = Math.ceil(fuzzRuns * fuzzShares.survey);
  expect(Object.keys(questions).length).toBeGreaterThanOrEqual(3);

  await fc.assert(
    fc.asyncProperty(submission(), async ({ request, link }) => {
      if (openTokens.length < 3) await topUpLinks(20);
      const token = link === 'open' ? (openTokens[0] as string) : tokenFor(link);
      const answer = await bed.probe('POST /s/:token', { ...request, path: `/s/${token}${request.path}` });
      const stored = answer.writes.filter((write) => write.collection === 'survey_responses' && write.command === 'insert').length;
      if (stored > 0) {
        expect([link, stored, answer.status]).toEqual(['open', 1, 200]);
        usedTokens.push(openTokens.shift() as string);
      }
    }),
    fuzzSettings(runs),
  );

  expect(await responseModel(bed.connection).countDocuments()).toBe(usedTokens.length);
  expect(bed.tally.total).toBeGreaterThanOrEqual(runs);
}, fuzzTimeoutMs);

// ---------------------------------------------------------------------------------------------

type Link = 'open' | 'used' | 'expired' | 'unknown' | { malformed: string };

function tokenFor(link: Exclude<Link, 'open'>): string {
  if (link === 'used') return usedTokens[0] ?? expiredToken;
  if (link === 'expired') return expiredToken;
  if (link === 'unknown') return newLinkToken().token;
  return link.malformed;
}

const malformedLink = fc.oneof(fc.constantFrom(...malformedEscapes, 'short', 'x'.repeat(3000), '..%2F..%2Fetc%2Fpasswd', '%00'), fc.stringMatching(/^[A-Za-z0-9_-]{42,44}$/)).map((token) => ({ malformed: token }));

/** Answers as the page posts them (a choice per question, some left out), then hostile changes to some. */
function answers(): fc.Arbitrary<Record<string, string[]>> {
  const perQuestion = Object.entries(questions).map(([field, choices]) =>
    fc.option(choices.length > 0 ? fc.subarray(choices, { minLength: 1, maxLength: 2 }) : fc.oneof(fc.constantFrom('Too expensive for us.', '太贵了。', ''), hostileString).map((text) => [text]), { nil: undefined, freq: 4 }).map((values) => [field, values] as const),
  );
  const asPosted = fc.tuple(...perQuestion).map((entries) => Object.fromEntries(entries.filter((entry): entry is readonly [string, string[]] => entry[1] !== undefined)));
  return fc.oneof({ weight: 1, arbitrary: asPosted }, { weight: 2, arbitrary: asPosted.chain((fields) => hostileFormFields(fields)) });
}

function submission(): fc.Arbitrary<{ request: FuzzRequest; link: Link }> {
  return fc
    .record({
      fields: answers(),
      link: fc.oneof({ weight: 6, arbitrary: fc.constant<Link>('open') }, fc.constantFrom<Link>('used', 'expired', 'unknown'), malformedLink),
      type: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', 'text/plain'),
      lang: fc.constantFrom('', '?lang=en', '?lang=zh-CN', '?lang=xx', '?lang[$ne]=en'),
      address: fc.ipV4(),
    })
    .map(({ fields, link, type, lang, address }) => ({
      link,
      request: {
        method: 'POST',
        path: lang,
        headers: { 'content-type': type, 'x-forwarded-for': address, accept: 'text/html' },
        body: type === 'application/json' ? JSON.stringify(fields) : formBody(fields),
      },
    }));
}

/** The fields of the survey form, with the values its radios and boxes post. */
function questionsOn(html: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [, , name, value] of html.matchAll(/<input type="(radio|checkbox)" name="([^"]+)" value="([^"]*)"/g)) (found[name] ??= []).push(value);
  for (const [, name] of html.matchAll(/<textarea[^>]*name="([^"]+)"/g)) found[name] = [];
  return found;
}

async function topUpLinks(count: number): Promise<void> {
  openTokens.push(...(await invitedLinks(count, 30)));
}

/** Churned customers invited to the default survey, each with a working link (as the dispatcher sends it). */
async function invitedLinks(count: number, expiresInDays: number): Promise<string[]> {
  const customers = await seedCustomers(bed.connection, count);
  const tokens: string[] = [];
  for (const customer of customers) {
    const { invitation } = await inviteCustomer(bed.connection, customer._id as Types.ObjectId, { origin: 'fuzz', delayMinutes: 0 });
    const link = newLinkToken();
    await invitationModel(bed.connection).updateOne(
      { _id: invitation._id },
      { $set: { status: 'sent', messagesSent: 1, sentAt: new Date(), expiresAt: new Date(Date.now() + expiresInDays * 86_400_000) }, $push: { tokenHashes: link.hash } },
    );
    tokens.push(link.token);
  }
  return tokens;
}

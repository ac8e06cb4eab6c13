/**
 * The campaign engine with real parts: customers in the embedded database, a loopback SMTP
 * server, the clock passed in. Each test runs its own campaign over customers it tags.
 */
import { Types } from 'mongoose';
import { attributeWinBack } from '../../../src/modules/campaigns/attribution.service';
import { callTaskModel } from '../../../src/modules/campaigns/call-task.model';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { campaignReport } from '../../../src/modules/campaigns/report.service';
import { runCampaigns } from '../../../src/modules/campaigns/runner.service';
import type { CampaignMailDependencies } from '../../../src/modules/campaigns/send.service';
import { customerModel } from '../../../src/modules/customers/customer.model';
import type { TestDatabase } from '../../helpers/database';
import { openMailingTestBed, type MailingTestBed } from '../../helpers/mailing';
import type { SmtpSink } from '../../helpers/smtp-sink';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let bed: MailingTestBed;
let db: TestDatabase;
let sink: SmtpSink;
let deps: CampaignMailDependencies;

beforeAll(async () => {
  bed = await openMailingTestBed('offers@example.com');
  ({ db, sink, deps } = bed);
});
afterAll(() => bed.close());
beforeEach(async () => {
  // One campaign at a time: earlier tests' campaigns are finished off.
  await campaignModel(db.connection).updateMany({}, { $set: { state: 'completed' } });
  await customerModel(db.connection).updateMany({}, { $set: { status: 'active' } });
  sink.messages.length = 0;
});

const at = (minutes: number) => new Date(MONDAY_10_UTC.getTime() + minutes * 60_000);
async function startAndRun(campaignId: Types.ObjectId, now = MONDAY_10_UTC, random = seededRandom()) {
  await changeCampaignState(db.connection, String(campaignId), 'schedule');
  await runCampaigns(deps, { now, random }); // starts and launches
  return runCampaigns(deps, { now, random }); // sends
}
const mailTo = (email: string | undefined) => sink.messages.filter((message) => message.to.includes(String(email)));

test('when offers differ by tier and cause, then each cell gets its own offer and VIPs get a call task instead of e-mail', async () => {
  const vip = await churned(db.connection, 'VIP', 'price');
  const pricey = await churned(db.connection, 'B', 'price');
  const poached = await churned(db.connection, 'C', 'competitor');
  const other = await churned(db.connection, 'D', 'service');
  const campaign = await createCampaign(
    db.connection,
    draft({
      offers: [
        { tiers: ['VIP'], causes: ['*'], action: 'personal_call', variants: [] },
        { tiers: ['*'], causes: ['price'], action: 'discount', discountPercent: 20, variants: [{ key: 'A', weight: 1, subject: { en: 'Price cut for you', 'zh-CN': '' }, body: { en: '{{causeText}} Here is {{offer}}.', 'zh-CN': '' } }] },
        { tiers: ['*'], causes: ['competitor'], action: 'coupon', couponCode: 'MATCH25', variants: [{ key: 'A', weight: 1, subject: { en: 'We match', 'zh-CN': '' }, body: { en: 'Use {{couponCode}} ({{offer}}).', 'zh-CN': '' } }] },
        { tiers: ['*'], causes: ['*'], action: 'exclude', variants: [] },
      ],
    }),
    'marketer-1',
  );
  const report = await startAndRun(campaign._id);
  expect(report.sent).toBe(2);
  await sink.waitFor(2);
  expect(mailTo(pricey.email)[0].text).toContain('We heard that the price was a problem for you. Here is 20% off.');
  expect(mailTo(poached.email)[0].text).toContain('Use MATCH25 (coupon code MATCH25).');
  expect(mailTo(vip.email)).toHaveLength(0);
  expect(mailTo(other.email)).toHaveLength(0);
  expect(await callTaskModel(db.connection).countDocuments({ campaignId: campaign._id, customerId: vip._id })).toBe(1);
  const [message] = mailTo(pricey.email);
  expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  expect(message.text).toMatch(/https:\/\/crm\.example\.com\/c\/[0-9a-f]{24}\/[A-Za-z0-9_-]{32}/);
});

test('when customers are suppressed, of natural cause, or in the holdout, then they get nothing', async () => {
  const natural = await churned(db.connection, 'A', 'natural');
  const unsubscribed = await churned(db.connection, 'A', 'price', { contact: { emailConsent: true, doNotContact: false, unsubscribedAt: new Date() } });
  const noConsent = await churned(db.connection, 'A', 'price', { contact: { emailConsent: false, doNotContact: false } });
  const eligible = await Promise.all(Array.from({ length: 20 }, () => churned(db.connection, 'B', 'price')));
  const campaign = await createCampaign(db.connection, draft({ holdoutPercent: 30 }), 'marketer-1');
  await startAndRun(campaign._id);

  const members = await memberModel(db.connection).find({ campaignId: campaign._id }).lean();
  const memberIds = new Set(members.map((member) => String(member.customerId)));
  for (const customer of [natural, unsubscribed, noConsent]) {
    expect(memberIds.has(String(customer._id))).toBe(false);
    expect(mailTo(customer.email)).toHaveLength(0);
  }
  const holdout = members.filter((member) => member.holdout);
  expect(holdout.length).toBeGreaterThan(0);
  expect(holdout.length).toBeLessThan(20);
  await sink.waitFor(20 - holdout.length);
  for (const member of holdout) {
    const customer = eligible.find((candidate) => String(candidate._id) === String(member.customerId))!;
    expect(mailTo(customer.email)).toHaveLength(0);
    expect(await deliveryModel(db.connection).countDocuments({ customerId: member.customerId })).toBe(0);
  }
  expect(sink.messages.length).toBe(20 - holdout.length);
});

test('when it is the weekend or night where the customer lives, then the message waits for their window', async () => {
  const shanghai = await churned(db.connection, 'B', 'price', { timezone: 'Asia/Shanghai' });
  const saturdayNoonUtc = new Date('2026-11-07T12:00:00Z'); // Saturday 20:00 in Shanghai
  const campaign = await createCampaign(db.connection, draft({ schedule: { ...draft().schedule, startAt: saturdayNoonUtc } }), 'marketer-1');
  const report = await startAndRun(campaign._id, saturdayNoonUtc);
  expect(report).toMatchObject({ sent: 0, deferred: 1 });
  const delivery = await deliveryModel(db.connection).findOne({ customerId: shanghai._id }).lean();
  // Monday 09:00 in Shanghai is Monday 01:00 UTC.
  expect(delivery?.dueAt.toISOString()).toBe('2026-11-09T01:00:00.000Z');
  expect((await runCampaigns(deps, { now: new Date('2026-11-09T00:59:00Z') })).sent).toBe(0);
  expect((await runCampaigns(deps, { now: new Date('2026-11-09T01:00:00Z') })).sent).toBe(1);
});

test('when the throttle is 5 a minute, then no minute sees more than 5 messages', async () => {
  await Promise.all(Array.from({ length: 12 }, () => churned(db.connection, 'C', 'price')));
  const campaign = await createCampaign(db.connection, draft({ schedule: { ...draft().schedule, throttlePerMinute: 5 } }), 'marketer-1');
  expect((await startAndRun(campaign._id)).sent).toBe(5);
  expect((await runCampaigns(deps, { now: at(0.5) })).sent).toBe(0);
  expect((await runCampaigns(deps, { now: at(1.01) })).sent).toBe(5);
  expect((await runCampaigns(deps, { now: at(2.02) })).sent).toBe(2);
  expect((await campaignModel(db.connection).findById(campaign._id).lean())?.state).toBe('completed');
});

test('when two senders work the same due messages at once, then each message is claimed by one of them and arrives once', async () => {
  const customers = await Promise.all(Array.from({ length: 30 }, () => churned(db.connection, 'C', 'price')));
  const campaign = await createCampaign(db.connection, draft(), 'marketer-1');
  await changeCampaignState(db.connection, String(campaign._id), 'schedule');
  await runCampaigns(deps, { now: MONDAY_10_UTC }); // starts and launches

  // Groups of 4 and of 3 over the same 30 deliveries: their claims overlap group by group.
  const [first, second] = await Promise.all([
    runCampaigns(deps, { now: MONDAY_10_UTC, concurrency: 4, workerId: 'one' }),
    runCampaigns(deps, { now: MONDAY_10_UTC, concurrency: 3, workerId: 'two' }),
  ]);

  expect(first.sent + second.sent).toBe(30);
  for (const customer of customers) expect(mailTo(customer.email)).toHaveLength(1);
  const states = await deliveryModel(db.connection).find({ campaignId: campaign._id }).lean();
  expect(states.map((delivery) => delivery.state)).toEqual(Array(30).fill('sent'));
  expect(new Set(states.map((delivery) => delivery.claimedBy))).toEqual(new Set(first.sent > 0 && second.sent > 0 ? ['one', 'two'] : [first.sent > 0 ? 'one' : 'two']));
});

test('when a customer comes back or unsubscribes mid-sequence, then their later steps are not sent', async () => {
  const returning = await churned(db.connection, 'B', 'price');
  const leaving = await churned(db.connection, 'B', 'price');
  const staying = await churned(db.connection, 'B', 'price');
  const campaign = await createCampaign(db.connection, draft({ steps: [{ day: 0 }, { day: 7 }] }), 'marketer-1');
  expect((await startAndRun(campaign._id)).sent).toBe(3);
  await customerModel(db.connection).updateOne({ _id: returning._id }, { $set: { status: 'won_back' } });
  await attributeWinBack(db.connection, returning._id, at(60 * 24 * 3), 49);
  await customerModel(db.connection).updateOne({ _id: leaving._id }, { $set: { 'contact.unsubscribedAt': at(60) } });
  const week = new Date(MONDAY_10_UTC.getTime() + 7 * 86_400_000);
  expect((await runCampaigns(deps, { now: week })).sent).toBe(1);
  await sink.waitFor(4);
  expect(mailTo(staying.email)).toHaveLength(2);
  expect(mailTo(returning.email)).toHaveLength(1);
  expect(mailTo(leaving.email)).toHaveLength(1);

  const report = await campaignReport(db.connection, campaign._id);
  expect(report?.treated).toMatchObject({ members: 3, sent: 4, wonBack: 1, recoveredRevenue: 49 });
});

test('when another campaign wrote to the customer two days ago, then the frequency cap skips this one', async () => {
  const recent = await churned(db.connection, 'B', 'price', { engagement: { lastCampaignMessageAt: new Date(MONDAY_10_UTC.getTime() - 2 * 86_400_000), lastCampaignId: new Types.ObjectId(), campaignHoldouts: [] } });
  const fresh = await churned(db.connection, 'B', 'price');
  const campaign = await createCampaign(db.connection, draft(), 'marketer-1');
  const report = await startAndRun(campaign._id);
  expect(report).toMatchObject({ sent: 1, skipped: 1 });
  await sink.waitFor(1);
  expect(mailTo(recent.email)).toHaveLength(0);
  expect(mailTo(fresh.email)).toHaveLength(1);
});

test('when the winners and the holdout come back at different rates, then the report shows the lift with an interval', async () => {
  const customers = await Promise.all(Array.from({ length: 40 }, () => churned(db.connection, 'A', 'price')));
  const campaign = await createCampaign(db.connection, draft({ holdoutPercent: 25 }), 'marketer-1');
  await startAndRun(campaign._id);
  const members = await memberModel(db.connection).find({ campaignId: campaign._id }).lean();
  const treated = members.filter((member) => !member.holdout);
  const holdout = members.filter((member) => member.holdout);
  for (const member of treated.slice(0, Math.ceil(treated.length / 2))) await attributeWinBack(db.connection, member.customerId, at(120), 30);
  for (const member of holdout.slice(0, 1)) await attributeWinBack(db.connection, member.customerId, at(120), 30);
  const report = await campaignReport(db.connection, campaign._id);
  const expectedTreated = Math.ceil(treated.length / 2) / treated.length;
  const expectedHoldout = 1 / holdout.length;
  expect(report?.lift?.treatedRate).toBeCloseTo(expectedTreated, 10);
  expect(report?.lift?.holdoutRate).toBeCloseTo(expectedHoldout, 10);
  expect(report?.lift?.lift).toBeCloseTo(expectedTreated - expectedHoldout, 10);
  expect(report!.lift!.low).toBeLessThan(report!.lift!.lift);
  expect(report!.lift!.high).toBeGreaterThan(report!.lift!.lift);
  expect(customers.length).toBe(40);
});

describe('bad campaign input is refused and nothing is scheduled', () => {
  const bodyVariant = (body: string, subject = 'Hi') => [{ key: 'A', weight: 1, subject: { en: subject, 'zh-CN': '' }, body: { en: body, 'zh-CN': '' } }];
  test.each([
    ['an invalid segment filter', { audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'salary', op: 'gt', value: 5 }] }] } }, 'audience'],
    ['a template with a syntax error', { offers: [{ tiers: ['*'], causes: ['*'], action: 'free_months', freeMonths: 1, variants: bodyVariant('Hello {{name') }] }, 'offers.0.variants.0.body.en'],
    ['an unknown merge field', { offers: [{ tiers: ['*'], causes: ['*'], action: 'free_months', freeMonths: 1, variants: bodyVariant('Hello {{password}}') }] }, 'offers.0.variants.0.body.en'],
    ['an offer above 100%', { offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 120, variants: bodyVariant('x') }] }, 'offers.0.discountPercent'],
    ['a window that ends before it starts', { schedule: { ...draft().schedule, windowStartHour: 18, windowEndHour: 9 } }, 'schedule.windowEndHour'],
  ])('when the campaign has %s, then it gets a 400 naming the field and nothing is stored', async (_label, overrides, field) => {
    const before = await campaignModel(db.connection).countDocuments();
    const error = await createCampaign(db.connection, draft(overrides as never), 'marketer-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ httpStatus: 400 });
    expect((error as { details: Array<{ field: string }> }).details.map((detail) => detail.field).join(' ')).toContain(field);
    expect(await campaignModel(db.connection).countDocuments()).toBe(before);
  });
});

/**
 * What the host CRM reports about campaign customers through `/api/v1`: a coupon code used at
 * checkout, and a reply that stops the customer's sequence. Campaigns are launched (members
 * and deliveries written) without sending anything.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import type { CampaignDraftInput } from '../../../src/modules/campaigns/campaign.schemas';
import { createCampaign } from '../../../src/modules/campaigns/campaigns.service';
import { deliveryModel } from '../../../src/modules/campaigns/delivery.model';
import { launchCampaign } from '../../../src/modules/campaigns/launch.service';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import type { Customer } from '../../../src/modules/customers/customer.model';
import { createLogger } from '../../../src/shared/logging';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churned, draft, MONDAY_10_UTC, seededRandom } from './support';

let db: TestDatabase;
let app: ListeningApp;
let campaignsKey: string;
let otherKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  campaignsKey = (await createApiKey(db.connection, { name: 'shop', scopes: ['campaigns:write'] })).token;
  otherKey = (await createApiKey(db.connection, { name: 'events only', scopes: ['events:write'] })).token;
});
afterAll(async () => {
  await app.close();
  await db.close();
});

interface ApiResponse {
  status: number;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by the test
}

async function post(path: string, body: unknown, token: string | null = campaignsKey): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const fields = (response: ApiResponse) => (response.body.error.details as Array<{ field: string }>).map((detail) => detail.field);

/** A launched campaign to one new customer: a coupon offer, two steps (so deliveries stay pending). */
async function launchedTo(overrides: Partial<CampaignDraftInput> = {}): Promise<{ customer: Customer; couponCode: string }> {
  const externalId = `shop-${randomUUID().slice(0, 8)}`;
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const couponCode = `BACK-${randomUUID().slice(0, 6).toUpperCase()}`;
  const customer = await churned(db.connection, 'B', 'price', { plan, source: 'crm', externalId });
  const audience: CampaignDraftInput['audience'] = { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }] }] };
  const variants = [{ key: 'A', weight: 1, subject: { en: 'Use {{couponCode}}', 'zh-CN': '' }, body: { en: '{{offer}}', 'zh-CN': '' } }];
  const campaign = await createCampaign(db.connection, draft({ audience, offers: [{ tiers: ['*'], causes: ['*'], action: 'coupon', couponCode, variants }], steps: [{ day: 0 }, { day: 7 }], ...overrides }), 'test');
  await launchCampaign(db.connection, createLogger({ level: 'silent' }), campaign, { now: MONDAY_10_UTC, random: seededRandom() });
  return { customer, couponCode };
}

/** Counts of what these endpoints write, to show a refused request wrote nothing. */
async function written() {
  const [redeemed, cancelled, replies] = await Promise.all([
    db.connection.collection('campaign_members').countDocuments({ couponRedeemedAt: { $ne: null } }),
    db.connection.collection('campaign_deliveries').countDocuments({ state: 'cancelled' }),
    db.connection.collection('customer_events').countDocuments({ type: 'campaign_reply' }),
  ]);
  return { redeemed, cancelled, replies };
}

describe('POST /api/v1/coupon-redemptions', () => {
  test('when the shop reports a campaign coupon by our customer id, then the redemption is recorded on the membership with the order value', async () => {
    const { customer, couponCode } = await launchedTo();

    const response = await post('/coupon-redemptions', { couponCode: couponCode.toLowerCase(), customerId: String(customer._id), at: '2026-11-05T12:00:00Z', orderValue: 49.9 });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ duplicate: false, redemption: { customerId: String(customer._id), redeemedAt: '2026-11-05T12:00:00.000Z', orderValue: 49.9 } });
    const member = await memberModel(db.connection).findOne({ customerId: customer._id }).lean();
    expect(member).toMatchObject({ couponRedeemedAt: new Date('2026-11-05T12:00:00Z'), couponOrderValue: 49.9 });
  });

  test('when the same redemption is reported again by the host id, then it answers 200 as a duplicate and keeps the first', async () => {
    const { customer, couponCode } = await launchedTo();
    await post('/coupon-redemptions', { couponCode, externalId: customer.externalId, source: 'crm', at: '2026-11-05T12:00:00Z' });

    const again = await post('/coupon-redemptions', { couponCode, externalId: customer.externalId, at: '2026-11-09T12:00:00Z' });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, redemption: { redeemedAt: '2026-11-05T12:00:00.000Z' } });
  });

  test('when the customer is unknown or no campaign offered them the code, then 404 and nothing is written', async () => {
    const { customer } = await launchedTo();
    const before = await written();

    const unknownCustomer = await post('/coupon-redemptions', { couponCode: 'ANY', customerId: String(new Types.ObjectId()) });
    const unknownExternal = await post('/coupon-redemptions', { couponCode: 'ANY', externalId: 'nobody-here' });
    const otherCode = await post('/coupon-redemptions', { couponCode: 'NOT-OURS', customerId: String(customer._id) });

    expect([unknownCustomer.status, unknownExternal.status, otherCode.status]).toEqual([404, 404, 404]);
    expect(otherCode.body.error.message).toBe('No campaign offered this coupon code to this customer.');
    expect(await written()).toEqual(before);
  });

  test('when the report is malformed, then 400 names each field and nothing is written', async () => {
    const { customer } = await launchedTo();
    const before = await written();

    const missing = await post('/coupon-redemptions', { orderValue: -5, at: 'yesterday' });
    const both = await post('/coupon-redemptions', { couponCode: 'X', customerId: String(customer._id), externalId: 'x-1' });
    const extra = await post('/coupon-redemptions', { couponCode: 'X', customerId: 'not-an-id', discount: 5 });

    expect(missing.status).toBe(400);
    expect(fields(missing)).toEqual(expect.arrayContaining(['couponCode', 'at', 'orderValue', 'customerId']));
    expect(fields(both)).toEqual(['externalId']);
    expect(fields(extra)).toEqual(expect.arrayContaining(['customerId', '']));
    expect(await written()).toEqual(before);
  });

  test('when the key is missing or lacks the campaigns scope, then 401 or 403', async () => {
    const { customer, couponCode } = await launchedTo();

    expect((await post('/coupon-redemptions', { couponCode, customerId: String(customer._id) }, null)).status).toBe(401);
    expect((await post('/coupon-redemptions', { couponCode, customerId: String(customer._id) }, otherKey)).status).toBe(403);
    expect((await memberModel(db.connection).findOne({ customerId: customer._id }).lean())?.couponRedeemedAt).toBeUndefined();
  });
});

describe('POST /api/v1/replies', () => {
  test('when the customer replied, then their pending messages are cancelled and the reply is on their timeline', async () => {
    const { customer } = await launchedTo();
    expect(await deliveryModel(db.connection).countDocuments({ customerId: customer._id, state: 'pending' })).toBe(2);

    const response = await post('/replies', { externalId: customer.externalId, source: 'crm', at: '2026-11-03T08:00:00Z' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cancelled: 2 });
    expect(await deliveryModel(db.connection).find({ customerId: customer._id }).lean()).toMatchObject([
      { state: 'cancelled', reason: 'replied' },
      { state: 'cancelled', reason: 'replied' },
    ]);
    expect(await timelineEventModel(db.connection).findOne({ customerId: customer._id, type: 'campaign_reply' }).lean()).toMatchObject({ at: new Date('2026-11-03T08:00:00Z') });
  });

  test('when the reply names nobody we know or is malformed, then 404 or 400 and nothing is written', async () => {
    await launchedTo();
    const before = await written();

    const unknown = await post('/replies', { customerId: String(new Types.ObjectId()) });
    const malformed = await post('/replies', { at: 'soon' });

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(fields(malformed)).toEqual(expect.arrayContaining(['at', 'customerId']));
    expect((await post('/replies', { customerId: String(new Types.ObjectId()) }, null)).status).toBe(401);
    expect(await written()).toEqual(before);
  });
});

/** Segment members and suppressions against a real database, and index use for the common filters. */
import { Types, type Connection } from 'mongoose';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { audienceFilter, previewSegment } from '../../../src/modules/segments/audience.service';
import { compileSegmentFilter, type FilterQuery } from '../../../src/modules/segments/segment.filter';
import { segmentDefinitionSchema } from '../../../src/modules/segments/segment.schemas';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { days, definitionFor, eligibleCustomer, uniquePlan } from './support';

let db: TestDatabase;
let connection: Connection;
const now = new Date('2026-11-01T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  connection = db.connection;
  await customerModel(connection).init();
});
afterAll(() => db.close());

const cause = (code: string, secondary?: string) => ({ code, secondary, source: 'staff', setAt: now }) as Customer['cause'];
const value = (tier: string, clv = 100, level = 'none') => ({ tier, clv, rfm: { recencyDays: null, frequencyChange: null, monetaryChange: null, level }, computedAt: now }) as Customer['value'];

async function audienceNames(definition: Parameters<typeof audienceFilter>[1]): Promise<string[]> {
  const filter = await audienceFilter(connection, definition, { now });
  const members = await customerModel(connection).find(filter, { name: 1 }).lean();
  return members.map((member) => member.name ?? '').sort();
}

describe('segment members', () => {
  test('when a segment asks for VIP or A price churners, then exactly those are members', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(connection, { plan, name: 'vip-price', value: value('VIP'), cause: cause('price') });
    await eligibleCustomer(connection, { plan, name: 'a-price', value: value('A'), cause: cause('price') });
    await eligibleCustomer(connection, { plan, name: 'b-price', value: value('B'), cause: cause('price') });
    await eligibleCustomer(connection, { plan, name: 'vip-service', value: value('VIP'), cause: cause('service') });
    await eligibleCustomer(connection, { plan, name: 'vip-price-active', status: 'active', value: value('VIP'), cause: cause('price') });

    const definition = definitionFor(plan, [
      { field: 'status', op: 'in', value: ['churned'] },
      { field: 'valueTier', op: 'in', value: ['VIP', 'A'] },
      { field: 'cause', op: 'in', value: ['price'] },
    ]);

    expect(await audienceNames(definition)).toEqual(['a-price', 'vip-price']);
  });

  test('when a group matches any condition, then customers meeting one of them are members', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(connection, { plan, name: 'tagged', tags: ['fleet'] });
    await eligibleCustomer(connection, { plan, name: 'red', value: value('C', 10, 'red') });
    await eligibleCustomer(connection, { plan, name: 'rich', value: value('C', 5000) });
    await eligibleCustomer(connection, { plan, name: 'neither', tags: ['retail'], value: value('C', 10, 'yellow') });

    const definition = definitionFor(
      plan,
      [
        { field: 'tags', op: 'anyOf', value: ['fleet'] },
        { field: 'rfmLevel', op: 'in', value: ['red'] },
        { field: 'clv', op: 'gte', value: 1000 },
      ],
      'any',
    );

    expect(await audienceNames(definition)).toEqual(['red', 'rich', 'tagged']);
  });

  test('when any of two groups may match, then members of either group are in the segment', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(connection, { plan, name: 'zh-secondary-service', locale: 'zh-CN', cause: cause('price', 'service') });
    await eligibleCustomer(connection, { plan, name: 'zh-other', locale: 'zh-CN', cause: cause('price', 'product') });
    await eligibleCustomer(connection, { plan, name: 'all-tags', tags: ['fleet', 'beta'] });
    await eligibleCustomer(connection, { plan, name: 'one-tag', tags: ['fleet'] });

    const definition = segmentDefinitionSchema.parse({
      match: 'any',
      groups: [
        { match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }, { field: 'locale', op: 'in', value: ['zh-CN'] }, { field: 'secondaryCause', op: 'in', value: ['service'] }] },
        { match: 'all', conditions: [{ field: 'plan', op: 'in', value: [plan] }, { field: 'tags', op: 'allOf', value: ['fleet', 'beta'] }] },
      ],
    });

    expect(await audienceNames(definition)).toEqual(['all-tags', 'zh-secondary-service']);
  });

  test('when dates and days are the conditions, then churn window, inactivity, survey answers and last campaign touch decide', async () => {
    const plan = uniquePlan();
    const base = { plan, churnedAt: new Date('2026-10-10T00:00:00Z'), lastTransactionAt: new Date(now.getTime() - days(100)) };
    await eligibleCustomer(connection, { ...base, name: 'fits', engagement: { surveyAnsweredAt: now, lastCampaignMessageAt: new Date(now.getTime() - days(40)) } });
    await eligibleCustomer(connection, { ...base, name: 'never-bought-never-mailed', lastTransactionAt: undefined, engagement: { surveyAnsweredAt: now } });
    await eligibleCustomer(connection, { ...base, name: 'churned-too-early', churnedAt: new Date('2026-08-01T00:00:00Z'), engagement: { surveyAnsweredAt: now } });
    await eligibleCustomer(connection, { ...base, name: 'bought-recently', lastTransactionAt: new Date(now.getTime() - days(10)), engagement: { surveyAnsweredAt: now } });
    await eligibleCustomer(connection, { ...base, name: 'no-answer' });
    await eligibleCustomer(connection, { ...base, name: 'mailed-last-week', engagement: { surveyAnsweredAt: now, lastCampaignMessageAt: new Date(now.getTime() - days(7)) } });

    const definition = definitionFor(plan, [
      { field: 'churnedBetween', op: 'between', value: { from: '2026-10-01T00:00:00Z', to: '2026-10-31T23:59:59.999Z' } },
      { field: 'inactiveForDays', op: 'gte', value: 60 },
      { field: 'surveyAnswered', op: 'is', value: true },
      { field: 'lastCampaignTouchDays', op: 'gte', value: 30 },
    ]);

    expect(await audienceNames(definition)).toEqual(['fits', 'never-bought-never-mailed']);
  });

  test('when excluding values, then customers with other values or none are members', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(connection, { plan, name: 'tier-d', value: value('D') });
    await eligibleCustomer(connection, { plan, name: 'tier-b', value: value('B'), cause: cause('competitor') });
    await eligibleCustomer(connection, { plan, name: 'no-value-yet' });

    const definition = definitionFor(plan, [
      { field: 'valueTier', op: 'nin', value: ['D'] },
      { field: 'cause', op: 'nin', value: ['price'] },
      { field: 'clv', op: 'lte', value: 1000 },
    ]);

    // No value yet: `value.clv <= 1000` does not match a missing number.
    expect(await audienceNames(definition)).toEqual(['tier-b']);
  });
});

describe('built-in suppressions', () => {
  test('when customers are unsubscribed, do-not-contact, without consent or address, natural, or won back, then none is in the audience and the preview counts each', async () => {
    const plan = uniquePlan();
    await eligibleCustomer(connection, { plan, name: 'eligible', value: value('A', 900) });
    await eligibleCustomer(connection, { plan, name: 'unsubscribed', contact: { unsubscribedAt: now } });
    await eligibleCustomer(connection, { plan, name: 'do-not-contact', contact: { doNotContact: true } });
    await eligibleCustomer(connection, { plan, name: 'no-consent', contact: { emailConsent: false } });
    await eligibleCustomer(connection, { plan, name: 'no-email', email: undefined });
    await eligibleCustomer(connection, { plan, name: 'natural', cause: cause('natural') });
    await eligibleCustomer(connection, { plan, name: 'won-back', status: 'won_back', wonBackAt: now });
    await eligibleCustomer(connection, { plan, name: 'natural-and-unsubscribed', cause: cause('natural'), contact: { unsubscribedAt: now } });

    const definition = definitionFor(plan, []);
    expect(await audienceNames(definition)).toEqual(['eligible']);

    const preview = await previewSegment(connection, definition, { now, sampleSize: 5 });
    expect(preview.count).toBe(1);
    expect(preview.sample).toEqual([{ _id: expect.any(String), name: 'eligible', email: expect.stringContaining('@example.com'), tier: 'A', cause: null, churnedAt: new Date('2026-09-15T00:00:00Z') }]);
    expect(preview.suppressed).toEqual({ unsubscribed: 2, doNotContact: 1, noConsent: 1, noEmail: 1, natural: 2, wonBack: 1, holdout: 0 });
  });

  test('when a customer is in the holdout of a running campaign, then they are left out, but not for a finished campaign, nor in the audience of that campaign itself', async () => {
    const plan = uniquePlan();
    const campaigns = connection.collection('campaigns');
    const running = (await campaigns.insertOne({ name: 'running', state: 'running' })).insertedId as unknown as Types.ObjectId;
    const completed = (await campaigns.insertOne({ name: 'done', state: 'completed' })).insertedId as unknown as Types.ObjectId;
    await eligibleCustomer(connection, { plan, name: 'treated' });
    await eligibleCustomer(connection, { plan, name: 'holdout-running', engagement: { campaignHoldouts: [running] } });
    await eligibleCustomer(connection, { plan, name: 'holdout-completed', engagement: { campaignHoldouts: [completed] } });

    const definition = definitionFor(plan, []);
    expect(await audienceNames(definition)).toEqual(['holdout-completed', 'treated']);
    expect((await previewSegment(connection, definition, { now, sampleSize: 5 })).suppressed.holdout).toBe(1);

    const withHoldouts = await audienceFilter(connection, definition, { now, excludeHoldoutsOfRunning: false });
    expect(await customerModel(connection).countDocuments(withHoldouts)).toBe(3);
    const ownLaunch = await audienceFilter(connection, definition, { now, exceptCampaignId: running });
    expect(await customerModel(connection).countDocuments(ownLaunch)).toBe(3);
    await campaigns.deleteMany({ _id: { $in: [running, completed] } });
  });

  test('when the sample is smaller than the segment, then it holds the most valuable members', async () => {
    const plan = uniquePlan();
    for (const clv of [10, 500, 50, 900]) await eligibleCustomer(connection, { plan, name: `clv-${clv}`, value: value('B', clv) });

    const preview = await previewSegment(connection, definitionFor(plan, []), { now, sampleSize: 2 });

    expect(preview.count).toBe(4);
    expect(preview.sample.map((member) => member.name)).toEqual(['clv-900', 'clv-500']);
  });
});

describe('index use', () => {
  const definitionOf = (conditions: Record<string, unknown>[]) => segmentDefinitionSchema.parse({ match: 'all', groups: [{ match: 'all', conditions }] });

  /** True when the winning plan reads through an index (IXSCAN anywhere in it, as on a real MongoDB). */
  async function readsThroughIndex(filter: FilterQuery): Promise<boolean> {
    const explained = (await customerModel(connection).find(filter).explain()) as unknown as { queryPlanner: { winningPlan: unknown } };
    return JSON.stringify(explained.queryPlanner.winningPlan).includes('"IXSCAN"');
  }

  test.each([
    ['status, tier and cause', [{ field: 'status', op: 'in', value: ['churned'] }, { field: 'valueTier', op: 'in', value: ['VIP', 'A'] }, { field: 'cause', op: 'in', value: ['price', 'service'] }]],
    ['status and churn window', [{ field: 'status', op: 'in', value: ['churned'] }, { field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-06-30' } }]],
    ['status and RFM level', [{ field: 'status', op: 'in', value: ['active', 'at_risk'] }, { field: 'rfmLevel', op: 'in', value: ['orange', 'red'] }]],
    ['tier alone', [{ field: 'valueTier', op: 'in', value: ['VIP'] }]],
    ['cause alone', [{ field: 'cause', op: 'in', value: ['competitor'] }]],
    ['churn window alone', [{ field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-06-30' } }]],
  ])('when the audience is filtered by %s, then the query reads through an index', async (_name, conditions) => {
    await eligibleCustomer(connection, { value: value('VIP'), cause: cause('price') });
    expect(await readsThroughIndex(await audienceFilter(connection, definitionOf(conditions), { now }))).toBe(true);
  });

  test('when a segment has no indexed condition, then explain reports no index scan (the check can fail)', async () => {
    await eligibleCustomer(connection);
    expect(await readsThroughIndex(compileSegmentFilter(definitionOf([{ field: 'surveyAnswered', op: 'is', value: false }]), now))).toBe(false);
  });
});

/**
 * A win-back campaign from draft to completion through the campaign engine: created and
 * scheduled as a marketer would (campaigns service), launched and sent by the runner the
 * `campaigns.run` job calls, then read by the customers — opens and clicks through the signed
 * links in their messages — and some of them come back, reported through the churn-events
 * service so the win-back is attributed to the campaign (or counted in its holdout).
 */
import { trusted, type Types } from 'mongoose';
import { attributeOnWinBack } from '../../modules/campaigns/attribution.service';
import type { CampaignDraftInput } from '../../modules/campaigns/campaign.schemas';
import { campaignModel, type Campaign } from '../../modules/campaigns/campaign.model';
import { changeCampaignState, createCampaign } from '../../modules/campaigns/campaigns.service';
import { callTaskModel } from '../../modules/campaigns/call-task.model';
import { memberModel, type CampaignMember } from '../../modules/campaigns/member.model';
import { campaignReport, type Lift } from '../../modules/campaigns/report.service';
import { runCampaigns } from '../../modules/campaigns/runner.service';
import { recordClick, recordOpen } from '../../modules/campaigns/tracking.service';
import { recordReactivation } from '../../modules/customers/churn-events.service';
import { customerModel, type Customer } from '../../modules/customers/customer.model';
import { outboxModel, type MailingDependencies, type OutboxMessage } from '../../shared/mail';
import { seededRandom, seedOf, type SeededRandom } from './seeded-random';

export interface DemoCampaignOutcome {
  id: string;
  name: string;
  audience: number;
  holdout: number;
  sent: number;
  callTasks: number;
  opened: number;
  clicked: number;
  wonBack: number;
  wonBackInHoldout: number;
  recoveredMonthlyRevenue: number;
  lift: Lift | null;
}

/** Of the treated customers who click, the share who come back, by the cause they left for. */
const comeBackRate: Record<string, number> = { price: 0.7, relationship: 0.65, competitor: 0.55, service: 0.6, product: 0.45, trust: 0.4, other: 0.45 };
/** Customers who come back without being sent anything: the holdout, and the base rate under any campaign. */
const unpromptedComeBackRate = 0.04;

export async function runDemoCampaign(deps: MailingDependencies): Promise<DemoCampaignOutcome> {
  const { connection } = deps;
  attributeOnWinBack(connection);
  const created = await createCampaign(connection, winBackDraft(new Date()), 'demo');
  const campaignId = String(created._id);
  await changeCampaignState(connection, campaignId, 'schedule');
  await runToCompletion(deps, created._id);

  const random = seededRandom(seedOf(`campaign:${created.name}`));
  const engagement = await readTheMessages(deps, created._id, random);
  await holdoutReturns(deps, created._id, random);

  const report = await campaignReport(connection, created._id);
  if (!report) throw new Error('the demo campaign has no report');
  return {
    id: campaignId,
    name: created.name,
    audience: report.audience,
    holdout: report.holdout.members,
    sent: report.treated.sent,
    callTasks: await callTaskModel(connection).countDocuments({ campaignId: created._id }),
    opened: engagement.opened,
    clicked: report.treated.clicked,
    wonBack: report.treated.wonBack,
    wonBackInHoldout: report.holdout.wonBack,
    recoveredMonthlyRevenue: report.treated.recoveredRevenue,
    lift: report.lift,
  };
}

/** Turns of the runner (as the `campaigns.run` job makes every few seconds) until the campaign completes. */
async function runToCompletion(deps: MailingDependencies, campaignId: Types.ObjectId): Promise<void> {
  // Seeded holdout and A/B draws: the same demo every time.
  const random = seededRandom(7);
  for (let turn = 0; turn < 200; turn++) {
    await runCampaigns(deps, { workerId: 'demo', random: random.next, batchSize: 1000, concurrency: 8 });
    const campaign = await campaignModel(deps.connection).findById(campaignId, { state: 1 }).lean<Pick<Campaign, 'state'>>().exec();
    if (campaign?.state === 'completed') return;
  }
  throw new Error('the demo campaign did not complete in 200 runner turns');
}

/** Customers open and click through the links in their messages; some of those who click come back. */
async function readTheMessages(deps: MailingDependencies, campaignId: Types.ObjectId, random: SeededRandom): Promise<{ opened: number }> {
  const { connection } = deps;
  const messages = await outboxModel(connection)
    .find({ category: 'campaign.message', 'refs.campaignId': String(campaignId) }, { html: 1, refs: 1 })
    .sort({ _id: 1 })
    .lean<Array<Pick<OutboxMessage, 'html' | 'refs'>>>()
    .exec();
  const members = await membersByCustomer(deps, campaignId);
  let opened = 0;
  const returning: Types.ObjectId[] = [];
  for (const message of messages) {
    const pixel = /\/o\/([0-9a-f]{24})\/([A-Za-z0-9_-]{32})\.gif/.exec(message.html);
    const click = /\/c\/([0-9a-f]{24})\/([A-Za-z0-9_-]{32})/.exec(message.html);
    const member = members.get(message.refs.customerId);
    if (!pixel || !click || !member) continue;
    if (!random.chance(0.55)) {
      if (random.chance(unpromptedComeBackRate)) returning.push(member.customerId);
      continue;
    }
    await recordOpen(connection, pixel[1], pixel[2]);
    opened++;
    if (!random.chance(0.45)) continue;
    await recordClick(connection, click[1], click[2]);
    if (random.chance(comeBackRate[member.cause] ?? 0.45)) returning.push(member.customerId);
  }
  await comeBack(deps, returning);
  return { opened };
}

async function holdoutReturns(deps: MailingDependencies, campaignId: Types.ObjectId, random: SeededRandom): Promise<void> {
  const holdout = await memberModel(deps.connection).find({ campaignId, holdout: true }, { customerId: 1 }).sort({ _id: 1 }).lean<CampaignMember[]>().exec();
  await comeBack(
    deps,
    holdout.filter(() => random.chance(unpromptedComeBackRate)).map((member) => member.customerId),
  );
}

/** The host CRM reports each return; attribution hooks onto the `customer.won_back` event. */
async function comeBack(deps: MailingDependencies, customerIds: Types.ObjectId[]): Promise<void> {
  const customers = await customerModel(deps.connection)
    .find({ _id: trusted({ $in: customerIds }) }, { externalId: 1, source: 1, 'revenue.monthly': 1 })
    .lean<Array<Pick<Customer, 'externalId' | 'source' | 'revenue'>>>()
    .exec();
  for (const customer of customers) {
    await recordReactivation(
      deps.connection,
      {
        eventId: `demo-return-${customer.externalId}`,
        customer: { externalId: customer.externalId, source: customer.source },
        at: new Date(),
        monthlyRevenue: customer.revenue?.monthly,
      },
      { kind: 'api', id: 'demo' },
    );
  }
}

async function membersByCustomer(deps: MailingDependencies, campaignId: Types.ObjectId): Promise<Map<string, CampaignMember>> {
  const members = await memberModel(deps.connection).find({ campaignId, holdout: false }).lean<CampaignMember[]>().exec();
  return new Map(members.map((member) => [String(member.customerId), member]));
}

/**
 * Offers by value and cause (DOMAIN.md, win-back flow step 5): VIPs get a personal call,
 * natural churn is left alone, each other cause gets its own lever.
 */
function winBackDraft(now: Date): CampaignDraftInput {
  const message = (key: string, subjectEn: string, bodyEn: string, subjectZh: string, bodyZh: string) => ({
    key,
    weight: 1,
    subject: { en: subjectEn, 'zh-CN': subjectZh },
    body: { en: bodyEn, 'zh-CN': bodyZh },
  });
  const signOff = '\n\n{{#if couponCode}}Your code: {{couponCode}}\n\n{{/if}}Come back: {{ctaUrl}}';
  const signOffZh = '\n\n{{#if couponCode}}您的优惠码：{{couponCode}}\n\n{{/if}}欢迎回来：{{ctaUrl}}';
  return {
    name: 'Win-back: we want you back',
    goal: 'Bring back recently churned customers with an offer that answers why they left.',
    audience: {
      match: 'all',
      groups: [
        {
          match: 'all',
          conditions: [
            { field: 'status', op: 'in', value: ['churned'] },
            { field: 'cause', op: 'nin', value: ['natural'] },
          ],
        },
      ],
    },
    offers: [
      { tiers: ['VIP'], causes: ['*'], action: 'personal_call', variants: [] },
      {
        tiers: ['*'],
        causes: ['price'],
        action: 'discount',
        discountPercent: 20,
        variants: [
          message('A', '{{name}}, 20% off to welcome you back', 'Hello {{name}},\n\n{{causeText}} We have lowered the price for you: {{offer}}.' + signOff, '{{name}}，回来享八折', '{{name}}，您好：\n\n{{causeText}}我们为您降低了价格：{{offer}}。' + signOffZh),
          message('B', 'A better price, {{name}}', 'Hello {{name}},\n\nYou told us the price was too high. Here is {{offer}} on your next twelve months.' + signOff, '{{name}}，给您更好的价格', '{{name}}，您好：\n\n您说价格太高。未来十二个月为您提供{{offer}}。' + signOffZh),
        ],
      },
      {
        tiers: ['*'],
        causes: ['competitor'],
        action: 'coupon',
        couponCode: 'COMEBACK25',
        variants: [message('A', 'We will match their offer, {{name}}', 'Hello {{name}},\n\n{{causeText}} Use {{offer}} and we will match what they gave you.' + signOff, '{{name}}，我们可以匹配对方的优惠', '{{name}}，您好：\n\n{{causeText}}使用{{offer}}，我们可以匹配对方给您的条件。' + signOffZh)],
      },
      {
        tiers: ['*'],
        causes: ['service', 'trust', 'relationship'],
        action: 'free_months',
        freeMonths: 2,
        variants: [message('A', 'We are sorry, {{name}}', 'Hello {{name}},\n\n{{causeText}} We have changed how we look after customers, and would like to show you: {{offer}}.' + signOff, '{{name}}，我们很抱歉', '{{name}}，您好：\n\n{{causeText}}我们已经改进了服务，希望您再给我们一次机会：{{offer}}。' + signOffZh)],
      },
      {
        tiers: ['*'],
        causes: ['*'],
        action: 'discount',
        discountPercent: 10,
        variants: [message('A', 'Come back, {{name}}', 'Hello {{name}},\n\nWe miss you. Here is {{offer}} if you come back.' + signOff, '{{name}}，欢迎回来', '{{name}}，您好：\n\n我们很想念您。回来即可享受{{offer}}。' + signOffZh)],
      },
    ],
    holdoutPercent: 10,
    steps: [{ day: 0 }],
    // Any hour, any day, no throttle to speak of: the demo completes now rather than over days.
    schedule: { startAt: now, windowStartHour: 0, windowEndHour: 24, weekdaysOnly: false, throttlePerMinute: 100_000, frequencyCapDays: 7, defaultTimezone: 'UTC' },
    landingUrl: 'https://www.example.com/welcome-back',
    attributionDays: 30,
  };
}

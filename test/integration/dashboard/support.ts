/**
 * A hand-made dashboard fixture for the first quarter of 2025 on a plan of its own (figures in
 * dashboard.test.ts are computed by hand from this list):
 *
 *   A  signed up 2024-06, stays, VIP, RFM red
 *   B  signed up 2024-07, lost 2025-01-15 (price), tier A, 100 a month
 *   C  signed up 2024-08, lost 2025-02-10 (service), back 2025-03-05 with 50 a month, tier B, 40 a month
 *   D  no signup date, lost 2025-02-20 (price), tier B, 60 a month
 *   E  signed up 2025-01-10, stays, tier C, RFM yellow
 *   F  signed up 2025-02-01, lost 2025-03-15 (natural, waiting for review), tier D, 30 a month
 *   X  on another plan, lost 2025-01-20 (price): outside the plan filter
 *
 * Survey invitations: February 2 delivered (1 answered) and 1 failed, March 1 delivered and answered.
 * A campaign launched 2025-02-05: 4 targeted (2 won back, 50 + 25 recovered), 2 in the holdout (none back).
 * Exit interviews name "Acme" twice (spelled differently) and a competitor whose name is markup.
 */
import { randomUUID } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { campaignModel } from '../../../src/modules/campaigns/campaign.model';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { interviewModel } from '../../../src/modules/interviews/interview.model';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';

export const day = (text: string) => new Date(`${text}T00:00:00Z`);
export const markupCompetitor = '<script>alert("x")</script>Evil Corp';
export const formulaCompetitor = '=HYPERLINK("http://evil.example")';

export interface QuarterFixture {
  plan: string;
  campaignName: string;
  /** The dashboard query for the quarter on the fixture's plan. */
  search: string;
}

export async function seedQuarter(connection: Connection): Promise<QuarterFixture> {
  const plan = `plan-${randomUUID().slice(0, 8)}`;
  const value = (tier: string, level = 'none') => ({ clv: 1, tier, rfm: { recencyDays: null, frequencyChange: null, monetaryChange: null, level }, computedAt: new Date() });
  const cause = (code: string, needsReview = false) => ({ code, source: 'staff', setAt: new Date(), ...(needsReview ? { needsReview } : {}) });
  const id = (name: string) => `${plan}-${name}`;
  await customerModel(connection).insertMany([
    { source: 'd', externalId: id('A'), plan, signupDate: day('2024-06-01'), value: value('VIP', 'red'), revenue: { monthly: 80 } },
    { source: 'd', externalId: id('B'), plan, signupDate: day('2024-07-01'), status: 'churned', churns: [{ at: day('2025-01-15') }], cause: cause('price'), value: value('A'), revenue: { monthly: 100 } },
    {
      source: 'd',
      externalId: id('C'),
      plan,
      signupDate: day('2024-08-01'),
      status: 'won_back',
      churns: [{ at: day('2025-02-10'), wonBackAt: day('2025-03-05'), wonBackMonthlyRevenue: 50 }],
      cause: cause('service'),
      value: value('B'),
      revenue: { monthly: 40 },
    },
    { source: 'd', externalId: id('D'), plan, status: 'churned', churns: [{ at: day('2025-02-20') }], cause: cause('price'), value: value('B'), revenue: { monthly: 60 } },
    { source: 'd', externalId: id('E'), plan, signupDate: day('2025-01-10'), value: value('C', 'yellow'), revenue: { monthly: 20 } },
    {
      source: 'd',
      externalId: id('F'),
      plan,
      signupDate: day('2025-02-01'),
      status: 'churned',
      churns: [{ at: day('2025-03-15') }],
      cause: cause('natural', true),
      value: value('D'),
      revenue: { monthly: 30 },
    },
    { source: 'd', externalId: id('X'), plan: `${plan}-other`, signupDate: day('2024-01-01'), status: 'churned', churns: [{ at: day('2025-01-20') }], cause: cause('price'), value: value('A'), revenue: { monthly: 999 } },
  ]);

  const invitation = (sentAt: string, answeredAt?: string, status = 'sent') => ({
    customerId: new Types.ObjectId(),
    surveyKey: 'exit',
    surveyVersion: 1,
    status,
    locale: 'en',
    sendAt: day(sentAt),
    sentAt: day(sentAt),
    expiresAt: day('2025-12-31'),
    origin: 'churn-event',
    ...(answeredAt ? { answeredAt: day(answeredAt) } : {}),
  });
  await invitationModel(connection).insertMany([
    invitation('2025-02-11', '2025-02-12', 'answered'),
    invitation('2025-02-21'),
    invitation('2025-02-22', undefined, 'failed'),
    invitation('2025-03-16', '2025-03-20', 'answered'),
  ]);

  // Stored as the launch leaves them; written straight to the collections to set the launch date.
  const campaignName = `Spring win-back ${plan}`;
  const campaignId = new Types.ObjectId();
  await campaignModel(connection).collection.insertOne({ _id: campaignId, name: campaignName, state: 'completed', createdAt: day('2025-02-01'), launch: { startedAt: day('2025-02-05') } });
  const member = (holdout: boolean, wonBack?: { at: string; revenue: number }) => ({
    campaignId,
    customerId: new Types.ObjectId(),
    tier: 'B',
    cause: 'price',
    rule: 0,
    action: 'coupon',
    holdout,
    createdAt: day('2025-02-05'),
    ...(wonBack ? { wonBackAt: day(wonBack.at), recoveredRevenue: wonBack.revenue } : {}),
  });
  await memberModel(connection).collection.insertMany([
    member(false, { at: '2025-02-20', revenue: 50 }),
    member(false, { at: '2025-03-01', revenue: 25 }),
    member(false),
    member(false),
    member(true),
    member(true),
  ]);

  const interview = (heldOn: string, competitor: string) => ({
    customerId: new Types.ObjectId(),
    heldOn: day(heldOn),
    channel: 'call',
    interviewerId: new Types.ObjectId(),
    notes: 'Left for another provider.',
    reasons: ['competitor'],
    primaryCause: 'competitor',
    competitor,
    loggedBy: 'test',
  });
  await interviewModel(connection).insertMany([
    interview('2025-02-12', 'Acme'),
    interview('2025-03-02', ' acme '),
    interview('2025-03-03', markupCompetitor),
    interview('2025-03-04', formulaCompetitor),
    interview('2024-11-04', 'Outside the quarter'),
  ]);

  return { plan, campaignName, search: `range=custom&from=2025-01-01&to=2025-03-31&plan=${encodeURIComponent(plan)}` };
}

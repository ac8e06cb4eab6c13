/**
 * The dashboard's figures for a period and filters, assembled from the churn metrics
 * (src/modules/customers/metrics), campaign members and exit interviews:
 *
 *   churn and retention rate by month, churned customers by cause (overall and by month),
 *   causes × value tier, lost monthly revenue by cause, the survey response rate by month,
 *   win-back rate and recovered revenue by campaign, customers at risk by RFM level, the
 *   competitors named in exit interviews, and the review queue's size.
 *
 * The tier, plan and language filters narrow the customers counted; campaign figures follow
 * the tier filter only (members keep their tier, not plan or language), and survey and
 * interview figures are not filtered.
 */
import type { Connection, Types } from 'mongoose';
import type { CauseCode } from '../customers/causes';
import { customerModel, type Customer } from '../customers/customer.model';
import { churnMetrics, periodsBetween, type CustomerHistory, type Period } from '../customers/metrics/churn-metrics';
import { surveyResponseRates, type ResponseFigures } from '../customers/metrics/survey-response-rates';
import { valueTiers, type CustomerLocale, type ValueTier } from '../customers/vocabulary';
import { campaignModel } from '../campaigns/campaign.model';
import { memberModel } from '../campaigns/member.model';
import { liftOf } from '../campaigns/report.service';
import { interviewModel } from '../interviews/interview.model';
import { dashboardSpan, type DashboardQuery } from './dashboard.schemas';

export type CauseKey = CauseCode | 'unknown';
export type TierKey = ValueTier | 'none';
export const atRiskLevels = ['yellow', 'orange', 'red'] as const;

export interface MonthFigures {
  period: string;
  start: Date;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  lost: number;
  churnRate: number | null;
  retentionRate: number | null;
  lostByCause: Partial<Record<CauseKey, number>>;
  surveyResponses: ResponseFigures;
}

export interface DashboardFigures {
  from: Date;
  to: Date;
  months: MonthFigures[];
  /** Every cause with churned customers in the period, most first. */
  causes: Array<{ cause: CauseKey; lost: number; lostMonthlyRevenue: number }>;
  /** Customers lost in the period per cause and value tier (`tiers` gives the column order). */
  causesByTier: { tiers: TierKey[]; rows: Array<{ cause: CauseKey; counts: number[]; total: number }> };
  surveyResponses: ResponseFigures;
  campaigns: Array<{
    id: string;
    name: string;
    targeted: number;
    wonBack: number;
    winBackRate: number | null;
    holdoutWinBackRate: number | null;
    liftPoints: number | null;
    recoveredRevenue: number;
  }>;
  atRisk: Array<{ level: (typeof atRiskLevels)[number]; customers: number }>;
  competitors: Array<{ name: string; mentions: number }>;
  reviewQueue: number;
}

export async function dashboardFigures(connection: Connection, query: DashboardQuery, now: Date = new Date()): Promise<DashboardFigures> {
  const { from, to } = dashboardSpan(query, now);
  const periods = periodsBetween('month', from, to);
  const span = { start: periods[0].start, end: periods[periods.length - 1].end };
  const filter = customerFilterOf(query);
  const [histories, responses, campaigns, atRisk, competitors, reviewQueue] = await Promise.all([
    loadHistories(connection, filter),
    surveyResponseRates(connection, periods),
    campaignResults(connection, span, query.tier),
    atRiskCounts(connection, filter),
    competitorsNamed(connection, span),
    customerModel(connection).countDocuments({ ...filter, 'cause.needsReview': true }).exec(),
  ]);
  const metrics = churnMetrics(histories, periods);
  return {
    from,
    to,
    months: metrics.map((month, index) => ({
      period: month.period,
      start: month.start,
      customersAtStart: month.customersAtStart,
      customersAtEnd: month.customersAtEnd,
      newCustomers: month.newCustomers,
      lost: month.lost,
      churnRate: month.churnRate,
      retentionRate: month.retentionRate,
      lostByCause: Object.fromEntries(Object.entries(month.byCause).map(([cause, figures]) => [cause, figures?.lost ?? 0])),
      surveyResponses: responses[index],
    })),
    ...lossesOf(histories, span),
    surveyResponses: totalResponses(responses),
    campaigns,
    atRisk,
    competitors,
    reviewQueue,
  };
}

// ---------------------------------------------------------------------------------------------

interface LossHistory extends CustomerHistory {
  monthlyRevenue: number;
}

interface FilterFields {
  'value.tier'?: ValueTier;
  plan?: string;
  locale?: CustomerLocale;
}

function customerFilterOf(query: DashboardQuery): FilterFields {
  const filter: FilterFields = {};
  if (query.tier) filter['value.tier'] = query.tier;
  if (query.plan) filter.plan = query.plan;
  if (query.locale) filter.locale = query.locale;
  return filter;
}

type HistoryFields = Pick<Customer, 'status' | 'signupDate' | 'churns' | 'value' | 'cause' | 'revenue'>;

/** As the churn report: a churned customer without a churn date is in no period and left out. */
async function loadHistories(connection: Connection, filter: FilterFields): Promise<LossHistory[]> {
  const histories: LossHistory[] = [];
  const cursor = customerModel(connection)
    .find(filter, { status: 1, signupDate: 1, churns: 1, 'value.tier': 1, 'cause.code': 1, 'revenue.monthly': 1 })
    .lean<HistoryFields>()
    .batchSize(1000)
    .cursor();
  for await (const customer of cursor) {
    const { status, signupDate, churns, value, cause, revenue } = customer as HistoryFields;
    if (status === 'churned' && !churns?.length) continue;
    histories.push({ signupDate, churns: churns ?? [], tier: value?.tier, cause: cause?.code, monthlyRevenue: revenue?.monthly ?? 0 });
  }
  return histories;
}

/** Churn episodes in the span by cause (with the monthly revenue lost) and by cause × tier. */
function lossesOf(histories: readonly LossHistory[], span: { start: Date; end: Date }): Pick<DashboardFigures, 'causes' | 'causesByTier'> {
  const byCause = new Map<CauseKey, { lost: number; lostMonthlyRevenue: number; byTier: Map<TierKey, number> }>();
  for (const history of histories) {
    const losses = history.churns.filter((episode) => episode.at >= span.start && episode.at < span.end).length;
    if (losses === 0) continue;
    const cause = history.cause ?? 'unknown';
    const entry = byCause.get(cause) ?? byCause.set(cause, { lost: 0, lostMonthlyRevenue: 0, byTier: new Map() }).get(cause)!;
    entry.lost += losses;
    entry.lostMonthlyRevenue += losses * history.monthlyRevenue;
    const tier = history.tier ?? 'none';
    entry.byTier.set(tier, (entry.byTier.get(tier) ?? 0) + losses);
  }
  const ranked = [...byCause].sort(([causeA, a], [causeB, b]) => b.lost - a.lost || causeA.localeCompare(causeB));
  const tiers: TierKey[] = [...valueTiers, 'none'];
  return {
    causes: ranked.map(([cause, entry]) => ({ cause, lost: entry.lost, lostMonthlyRevenue: round2(entry.lostMonthlyRevenue) })),
    causesByTier: { tiers, rows: ranked.map(([cause, entry]) => ({ cause, counts: tiers.map((tier) => entry.byTier.get(tier) ?? 0), total: entry.lost })) },
  };
}

function totalResponses(months: readonly ResponseFigures[]): ResponseFigures {
  const delivered = months.reduce((sum, month) => sum + month.delivered, 0);
  const answered = months.reduce((sum, month) => sum + month.answered, 0);
  return { delivered, answered, rate: percent(answered, delivered) };
}

/**
 * Win-back rate = members won back / members targeted (the holdout was not targeted), for
 * campaigns launched in the span; lift = that rate minus the holdout's, in percentage points.
 */
async function campaignResults(connection: Connection, span: { start: Date; end: Date }, tier: ValueTier | undefined): Promise<DashboardFigures['campaigns']> {
  const rows = await memberModel(connection)
    .aggregate<{ _id: { campaignId: Types.ObjectId; holdout: boolean }; members: number; wonBack: number; revenue: number }>([
      { $match: { createdAt: { $gte: span.start, $lt: span.end }, ...(tier ? { tier } : {}) } },
      {
        $group: {
          _id: { campaignId: '$campaignId', holdout: '$holdout' },
          members: { $sum: 1 },
          wonBack: { $sum: { $cond: [{ $ifNull: ['$wonBackAt', false] }, 1, 0] } },
          revenue: { $sum: { $ifNull: ['$recoveredRevenue', 0] } },
        },
      },
    ])
    .exec();
  const treated = rows.filter((row) => !row._id.holdout);
  if (treated.length === 0) return [];
  const campaigns = await campaignModel(connection)
    .aggregate<{ _id: Types.ObjectId; name: string }>([{ $match: { _id: { $in: treated.map((row) => row._id.campaignId) } } }, { $project: { name: 1 } }])
    .exec();
  const names = new Map(campaigns.map((campaign) => [String(campaign._id), campaign.name]));
  return treated
    .map((row) => {
      const id = String(row._id.campaignId);
      const holdout = rows.find((other) => other._id.holdout && String(other._id.campaignId) === id);
      const lift = holdout ? liftOf(row.wonBack, row.members, holdout.wonBack, holdout.members) : null;
      return {
        id,
        name: names.get(id) ?? id,
        targeted: row.members,
        wonBack: row.wonBack,
        winBackRate: percent(row.wonBack, row.members),
        holdoutWinBackRate: holdout ? percent(holdout.wonBack, holdout.members) : null,
        liftPoints: lift ? round2(100 * lift.lift) : null,
        recoveredRevenue: round2(row.revenue),
      };
    })
    .sort((a, b) => b.targeted - a.targeted || a.name.localeCompare(b.name))
    .slice(0, 50);
}

/** Customers still with us (not churned) whose RFM warning is yellow, orange or red. */
async function atRiskCounts(connection: Connection, filter: FilterFields): Promise<DashboardFigures['atRisk']> {
  const rows = await customerModel(connection)
    .aggregate<{ _id: string; customers: number }>([
      { $match: { ...filter, status: { $in: ['active', 'at_risk', 'won_back'] }, 'value.rfm.level': { $in: [...atRiskLevels] } } },
      { $group: { _id: '$value.rfm.level', customers: { $sum: 1 } } },
    ])
    .exec();
  return atRiskLevels.map((level) => ({ level, customers: rows.find((row) => row._id === level)?.customers ?? 0 }));
}

/** The ten competitors most often named in exit interviews held in the span (case and spaces ignored). */
async function competitorsNamed(connection: Connection, span: { start: Date; end: Date }): Promise<DashboardFigures['competitors']> {
  const rows = await interviewModel(connection)
    .aggregate<{ name: string; mentions: number }>([
      { $match: { heldOn: { $gte: span.start, $lt: span.end }, competitor: { $type: 'string', $ne: '' } } },
      { $project: { name: { $trim: { input: '$competitor' } } } },
      { $match: { name: { $ne: '' } } },
      { $group: { _id: { $toLower: '$name' }, name: { $first: '$name' }, mentions: { $sum: 1 } } },
      { $sort: { mentions: -1, _id: 1 } },
      { $limit: 10 },
      { $project: { _id: 0, name: 1, mentions: 1 } },
    ])
    .exec();
  return rows;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : round2((100 * part) / whole);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export type { Period };

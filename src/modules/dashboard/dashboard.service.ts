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
import { customerModel } from '../customers/customer.model';
import { periodsBetween } from '../customers/metrics/churn-metrics';
import { surveyResponseRates, type ResponseFigures } from '../customers/metrics/survey-response-rates';
import type { ValueTier } from '../customers/vocabulary';
import { campaignModel } from '../campaigns/campaign.model';
import { memberModel } from '../campaigns/member.model';
import { liftOf } from '../campaigns/report.service';
import { interviewModel } from '../interviews/interview.model';
import { loadHistories, percent, round2, scannedChurnFigures, type ChurnFigures, type ChurnMonth, type CustomerFilter } from './churn-figures';
import { dashboardSpan, type DashboardQuery } from './dashboard.schemas';
import { snapshotChurnFigures, snapshotCouldCover } from './snapshot.service';

export type { CauseKey, TierKey } from './churn-figures';
import type { CauseKey } from './churn-figures';
export const atRiskLevels = ['yellow', 'orange', 'red'] as const;

export interface MonthFigures extends ChurnMonth {
  surveyResponses: ResponseFigures;
}

export interface DashboardFigures {
  from: Date;
  to: Date;
  /** Where the churn figures came from: today's snapshot, or a scan of the customers. */
  source: 'snapshot' | 'scan';
  /** When the snapshot read was taken (source `snapshot`). */
  snapshotTakenAt: Date | null;
  /** True when a snapshot taken now would cover the period (source `scan` only because none was taken today). */
  snapshotWouldCover: boolean;
  months: MonthFigures[];
  causes: ChurnFigures['causes'];
  causesByTier: ChurnFigures['causesByTier'];
  /** Customers churned now (whatever the period, dated or not, e.g. an import without dates), by cause. */
  churnedNow: { total: number; byCause: Array<{ cause: CauseKey; customers: number }> };
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
  const [churn, churnedNow, responses, campaigns, atRisk, competitors, reviewQueue] = await Promise.all([
    churnFigures(connection, periods, filter, now),
    churnedNowByCause(connection, filter),
    surveyResponseRates(connection, periods),
    campaignResults(connection, span, query.tier),
    atRiskCounts(connection, filter),
    competitorsNamed(connection, span),
    customerModel(connection).countDocuments({ ...filter, 'cause.needsReview': true }).exec(),
  ]);
  return {
    from,
    to,
    source: churn.source,
    snapshotTakenAt: churn.takenAt,
    snapshotWouldCover: snapshotCouldCover(periods, now),
    months: churn.figures.months.map((month, index) => ({ ...month, surveyResponses: responses[index] })),
    causes: churn.figures.causes,
    causesByTier: churn.figures.causesByTier,
    churnedNow,
    surveyResponses: totalResponses(responses),
    campaigns,
    atRisk,
    competitors,
    reviewQueue,
  };
}

// ---------------------------------------------------------------------------------------------

/** Today's snapshot when it covers the months; a scan of the customers otherwise. */
async function churnFigures(connection: Connection, periods: ReturnType<typeof periodsBetween>, filter: CustomerFilter, now: Date) {
  const snapshot = await snapshotChurnFigures(connection, periods, filter, now);
  if (snapshot) return { source: 'snapshot' as const, figures: snapshot.figures, takenAt: snapshot.takenAt };
  return { source: 'scan' as const, figures: scannedChurnFigures(await loadHistories(connection, filter), periods), takenAt: null };
}

function customerFilterOf(query: DashboardQuery): CustomerFilter {
  const filter: CustomerFilter = {};
  if (query.tier) filter['value.tier'] = query.tier;
  if (query.plan) filter.plan = query.plan;
  if (query.locale) filter.locale = query.locale;
  return filter;
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
  // Campaigns first (a few documents), then their members through the (campaignId, customerId)
  // index: matching members by date would read every member of every campaign.
  const campaigns = await campaignModel(connection)
    .aggregate<{ _id: Types.ObjectId; name: string }>([{ $match: { 'launch.startedAt': { $gte: span.start, $lt: span.end } } }, { $project: { name: 1 } }])
    .exec();
  if (campaigns.length === 0) return [];
  const rows = await memberModel(connection)
    .aggregate<{ _id: { campaignId: Types.ObjectId; holdout: boolean }; members: number; wonBack: number; revenue: number }>([
      { $match: { campaignId: { $in: campaigns.map((campaign) => campaign._id) }, ...(tier ? { tier } : {}) } },
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

/** Churned customers now by cause, through the { 'cause.code', status } index. */
async function churnedNowByCause(connection: Connection, filter: CustomerFilter): Promise<DashboardFigures['churnedNow']> {
  const rows = await customerModel(connection)
    .aggregate<{ _id: CauseKey | null; customers: number }>([{ $match: { ...filter, status: 'churned' } }, { $group: { _id: '$cause.code', customers: { $sum: 1 } } }])
    .exec();
  const byCause = rows
    .map((row) => ({ cause: row._id ?? 'unknown', customers: row.customers }))
    .sort((a, b) => b.customers - a.customers || a.cause.localeCompare(b.cause));
  return { total: byCause.reduce((sum, row) => sum + row.customers, 0), byCause };
}

/** Customers still with us (not churned) whose RFM warning is yellow, orange or red. */
async function atRiskCounts(connection: Connection, filter: CustomerFilter): Promise<DashboardFigures['atRisk']> {
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


/**
 * Everything the campaign page shows: the campaign, its report (report.service.ts), who the
 * uncertain messages went to, the call tasks, the segment it came from, and coupon uses.
 */
import { trusted, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import type { Campaign } from './campaign.model';
import { getCampaign } from './campaigns.service';
import { callTasksOf, customersById, type CallTaskRow } from './follow-up.service';
import { memberModel } from './member.model';
import { segmentNames } from './overview.service';
import { campaignReport, type CampaignReport } from './report.service';

export interface UncertainRow {
  id: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  step: number;
  reason: string;
}

export interface CampaignPageData {
  campaign: Campaign;
  report: CampaignReport;
  segmentName: string | null;
  couponsRedeemed: number;
  uncertain: UncertainRow[];
  callTasks: CallTaskRow[];
}

/** NotFoundError for an unknown id. */
export async function campaignPageData(connection: Connection, id: string): Promise<CampaignPageData> {
  const campaign = await getCampaign(connection, id);
  const [report, segments, couponsRedeemed, callTasks] = await Promise.all([
    campaignReport(connection, campaign._id),
    segmentNames(connection, [campaign]),
    memberModel(connection).countDocuments({ campaignId: campaign._id, couponRedeemedAt: trusted({ $ne: null }) }),
    callTasksOf(connection, campaign._id),
  ]);
  // Deleted between the two reads: the same answer as an unknown id.
  if (!report) throw new NotFoundError('Campaign not found.', { id });
  const customers = await customersById(connection, report.uncertain.map((delivery) => delivery.customerId));
  return {
    campaign,
    report,
    segmentName: campaign.segmentId ? (segments.get(String(campaign.segmentId)) ?? null) : null,
    couponsRedeemed,
    uncertain: report.uncertain.map((delivery) => {
      const customer = customers.get(String(delivery.customerId));
      return {
        id: String(delivery._id),
        customerId: String(delivery.customerId),
        customerName: customer?.name ?? '',
        customerEmail: customer?.email ?? '',
        step: delivery.step,
        reason: delivery.reason ?? '',
      };
    }),
    callTasks,
  };
}

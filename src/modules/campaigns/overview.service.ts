/**
 * What the campaign list shows for each campaign: its audience (the saved segment it came
 * from and the members it reached), messages sent, customers won back and the revenue they
 * brought. Two grouped queries for the whole list, not one report per campaign.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { segmentModel } from '../segments/segment.model';
import type { Campaign, CampaignState } from './campaign.model';
import { listCampaigns } from './campaigns.service';
import { deliveryModel } from './delivery.model';
import { memberModel } from './member.model';

export interface CampaignOverview {
  id: string;
  name: string;
  state: CampaignState;
  segmentName: string | null;
  members: number;
  sent: number;
  wonBack: number;
  recoveredRevenue: number;
  createdAt: Date;
}

export async function campaignOverviews(connection: Connection): Promise<CampaignOverview[]> {
  const campaigns = await listCampaigns(connection);
  if (campaigns.length === 0) return [];
  const ids = campaigns.map((campaign) => campaign._id);
  const [sent, results, segments] = await Promise.all([
    deliveryModel(connection)
      .aggregate<{ _id: Types.ObjectId; n: number }>([{ $match: { campaignId: { $in: ids }, state: 'sent' } }, { $group: { _id: '$campaignId', n: { $sum: 1 } } }])
      .exec(),
    memberModel(connection)
      .aggregate<{ _id: Types.ObjectId; wonBack: number; revenue: number }>([
        { $match: { campaignId: { $in: ids }, holdout: false } },
        { $group: { _id: '$campaignId', wonBack: { $sum: { $cond: [{ $ifNull: ['$wonBackAt', false] }, 1, 0] } }, revenue: { $sum: { $ifNull: ['$recoveredRevenue', 0] } } } },
      ])
      .exec(),
    segmentNames(connection, campaigns),
  ]);
  const sentBy = new Map(sent.map((row) => [String(row._id), row.n]));
  const resultsBy = new Map(results.map((row) => [String(row._id), row]));
  return campaigns.map((campaign) => {
    const result = resultsBy.get(String(campaign._id));
    return {
      id: String(campaign._id),
      name: campaign.name,
      state: campaign.state,
      segmentName: campaign.segmentId ? (segments.get(String(campaign.segmentId)) ?? null) : null,
      members: campaign.launch?.members ?? 0,
      sent: sentBy.get(String(campaign._id)) ?? 0,
      wonBack: result?.wonBack ?? 0,
      recoveredRevenue: result?.revenue ?? 0,
      createdAt: campaign.createdAt,
    };
  });
}

/** Saved segments' names by id, for the campaigns that came from one. */
export async function segmentNames(connection: Connection, campaigns: Pick<Campaign, 'segmentId'>[]): Promise<Map<string, string>> {
  const ids = campaigns.flatMap((campaign) => (campaign.segmentId ? [campaign.segmentId] : []));
  if (ids.length === 0) return new Map();
  const segments = await segmentModel(connection).find({ _id: trusted({ $in: ids }) }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }[]>().exec();
  return new Map(segments.map((segment) => [String(segment._id), segment.name]));
}

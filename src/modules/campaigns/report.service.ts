/**
 * A campaign's results: audience, messages by state, clicks, customers won back and the revenue
 * they brought, per A/B variant and per tier × cause cell, and the lift over the holdout with a
 * 95% confidence interval (normal approximation for a difference of two proportions).
 */
import type { Connection, Types } from 'mongoose';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel, type CampaignDelivery } from './delivery.model';
import { memberModel } from './member.model';

export interface GroupResult {
  members: number;
  sent: number;
  failed: number;
  uncertain: number;
  clicked: number;
  wonBack: number;
  recoveredRevenue: number;
}

export interface Lift {
  treatedRate: number;
  holdoutRate: number;
  /** treatedRate − holdoutRate. */
  lift: number;
  low: number;
  high: number;
}

export interface CampaignReport {
  campaign: Pick<Campaign, '_id' | 'name' | 'state'>;
  audience: number;
  treated: GroupResult;
  holdout: { members: number; wonBack: number };
  byVariant: Array<{ variant: string } & GroupResult>;
  byCell: Array<{ tier: string; cause: string } & GroupResult>;
  lift: Lift | null;
  /** Messages a person must decide about (see delivery.model.ts). */
  uncertain: Array<Pick<CampaignDelivery, '_id' | 'customerId' | 'step' | 'reason'>>;
}

export async function campaignReport(connection: Connection, campaignId: Types.ObjectId): Promise<CampaignReport | null> {
  const campaign = await campaignModel(connection).findById(campaignId).lean<Campaign>().exec();
  if (!campaign) return null;
  const [members, deliveryCounts, uncertain] = await Promise.all([
    memberModel(connection)
      .aggregate<{ _id: { holdout: boolean; variant: string | null; tier: string; cause: string }; members: number; wonBack: number; revenue: number }>([
        { $match: { campaignId } },
        {
          $group: {
            _id: { holdout: '$holdout', variant: '$variant', tier: '$tier', cause: '$cause' },
            members: { $sum: 1 },
            wonBack: { $sum: { $cond: [{ $ifNull: ['$wonBackAt', false] }, 1, 0] } },
            revenue: { $sum: { $ifNull: ['$recoveredRevenue', 0] } },
          },
        },
      ])
      .exec(),
    deliveryModel(connection)
      .aggregate<{ _id: { variant: string | null; tier: string; cause: string; state: string }; n: number; clicked: number }>([
        { $match: { campaignId } },
        { $group: { _id: { variant: '$variant', tier: '$tier', cause: '$cause', state: '$state' }, n: { $sum: 1 }, clicked: { $sum: { $cond: [{ $ifNull: ['$clickedAt', false] }, 1, 0] } } } },
      ])
      .exec(),
    deliveryModel(connection).find({ campaignId, state: 'uncertain' }, { customerId: 1, step: 1, reason: 1 }).limit(1000).lean().exec(),
  ]);

  const empty = (): GroupResult => ({ members: 0, sent: 0, failed: 0, uncertain: 0, clicked: 0, wonBack: 0, recoveredRevenue: 0 });
  const treated = empty();
  const holdout = { members: 0, wonBack: 0 };
  const variants = new Map<string, GroupResult>();
  const cells = new Map<string, GroupResult>();
  const bucket = <K>(map: Map<K, GroupResult>, key: K) => map.get(key) ?? map.set(key, empty()).get(key)!;

  for (const row of members) {
    if (row._id.holdout) {
      holdout.members += row.members;
      holdout.wonBack += row.wonBack;
      continue;
    }
    for (const group of [treated, bucket(variants, row._id.variant ?? '—'), bucket(cells, `${row._id.tier}\u0000${row._id.cause}`)]) {
      group.members += row.members;
      group.wonBack += row.wonBack;
      group.recoveredRevenue += row.revenue;
    }
  }
  for (const row of deliveryCounts) {
    const state = row._id.state as 'sent' | 'failed' | 'uncertain';
    for (const group of [treated, bucket(variants, row._id.variant ?? '—'), bucket(cells, `${row._id.tier}\u0000${row._id.cause}`)]) {
      if (state === 'sent' || state === 'failed' || state === 'uncertain') group[state] += row.n;
      group.clicked += row.clicked;
    }
  }
  return {
    campaign: { _id: campaign._id, name: campaign.name, state: campaign.state },
    audience: treated.members + holdout.members,
    treated,
    holdout,
    byVariant: [...variants].map(([variant, result]) => ({ variant, ...result })),
    byCell: [...cells].map(([key, result]) => {
      const [tier, cause] = key.split('\u0000');
      return { tier, cause, ...result };
    }),
    lift: liftOf(treated.wonBack, treated.members, holdout.wonBack, holdout.members),
    uncertain: uncertain as CampaignReport['uncertain'],
  };
}

/** Difference of win-back rates with a 95% interval; null without both groups. */
export function liftOf(treatedWon: number, treatedMembers: number, holdoutWon: number, holdoutMembers: number): Lift | null {
  if (treatedMembers === 0 || holdoutMembers === 0) return null;
  const p1 = treatedWon / treatedMembers;
  const p0 = holdoutWon / holdoutMembers;
  const standardError = Math.sqrt((p1 * (1 - p1)) / treatedMembers + (p0 * (1 - p0)) / holdoutMembers);
  const lift = p1 - p0;
  return { treatedRate: p1, holdoutRate: p0, lift, low: lift - 1.96 * standardError, high: lift + 1.96 * standardError };
}

/**
 * Who came back because of which message. A reactivation within the attribution window after a
 * campaign message counts as that campaign's win-back (for the variant and step of the latest
 * message); holdout members who come back while the campaign runs are counted too, because lift
 * compares the two groups. A customer who comes back gets no more messages.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { customerEvents } from '../customers/domain-events';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel, type CampaignDelivery } from './delivery.model';
import { memberModel, type CampaignMember } from './member.model';

const DAY = 86_400_000;

export async function attributeWinBack(connection: Connection, customerId: Types.ObjectId, at: Date, monthlyRevenue?: number): Promise<number> {
  await deliveryModel(connection).updateMany({ customerId, state: 'pending' }, { $set: { state: 'cancelled', reason: 'won back' } });
  const members = await memberModel(connection).find({ customerId, wonBackAt: null }).lean<CampaignMember[]>().exec();
  let attributed = 0;
  for (const member of members) {
    const campaign = await campaignModel(connection).findById(member.campaignId).lean<Campaign>().exec();
    if (!campaign?.launch?.startedAt) continue;
    const windowMs = campaign.attributionDays * DAY;
    let step: number | undefined;
    if (member.holdout) {
      const lastDay = Math.max(...campaign.steps.map((s) => s.day));
      if (at < campaign.launch.startedAt || at.getTime() > campaign.launch.startedAt.getTime() + lastDay * DAY + windowMs) continue;
    } else {
      const latest = await deliveryModel(connection)
        .findOne({ campaignId: campaign._id, customerId, state: 'sent', sentAt: trusted({ $lte: at, $gte: new Date(at.getTime() - windowMs) }) })
        .sort({ sentAt: -1 })
        .lean<CampaignDelivery>()
        .exec();
      if (!latest) continue;
      step = latest.step;
    }
    await memberModel(connection).updateOne({ _id: member._id, wonBackAt: null }, { $set: { wonBackAt: at, recoveredRevenue: monthlyRevenue, wonBackStep: step } });
    attributed++;
  }
  return attributed;
}

const hooked = new WeakSet<Connection>();

/** Listens for `customer.won_back` (events API, staff) and attributes it. */
export function attributeOnWinBack(connection: Connection): void {
  if (hooked.has(connection)) return;
  hooked.add(connection);
  customerEvents(connection).on('customer.won_back', async ({ customer, event }) => {
    const revenue = customer.churns?.at(-1)?.wonBackMonthlyRevenue ?? customer.revenue?.monthly;
    await attributeWinBack(connection, customer._id, event?.at ?? customer.wonBackAt ?? new Date(), revenue);
  });
}

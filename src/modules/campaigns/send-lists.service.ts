/**
 * Turning a launch's send lists into deliveries (one per recipient per step), a few lists per
 * runner turn, ahead of the sender. Safe to repeat and to run on several workers at once: the
 * unique (campaign, step, customer) index turns a second write of a delivery into a duplicate,
 * and a list is marked queued only after all its deliveries are written.
 *
 * Whoever cancels a customer's pending messages (reply, unsubscribe, win-back) first queues that
 * customer's deliveries with `queueCustomerDeliveries`, so a list queued later cannot bring back
 * a message the customer already stopped.
 */
import { trusted, type Connection, type Types } from 'mongoose';
import { onlyDuplicateKeys } from '../../shared/db/duplicate-keys';
import { customerModel, type Customer } from '../customers/customer.model';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel } from './delivery.model';
import { memberModel, type CampaignMember } from './member.model';
import { sendListModel, type SendList, type SendListRecipient } from './send-list.model';

const DAY = 86_400_000;

/** Queues up to `lists` of a campaign's send lists; returns how many recipients they held. */
export async function queueSendLists(connection: Connection, campaign: Campaign, lists: number): Promise<number> {
  const pending = await sendListModel(connection).find({ campaignId: campaign._id, queued: false }).limit(lists).lean<SendList[]>().exec();
  let recipients = 0;
  for (const list of pending) {
    await writeDeliveries(connection, campaign, list.recipients);
    await sendListModel(connection).updateOne({ _id: list._id, queued: false }, { $set: { queued: true } });
    recipients += list.recipients.length;
  }
  return recipients;
}

/** Whether a campaign still has recipients without deliveries (it is not done yet). */
export async function hasUnqueuedSendLists(connection: Connection, campaignId: Types.ObjectId): Promise<boolean> {
  return (await sendListModel(connection).exists({ campaignId, queued: false })) !== null;
}

/** Writes the customer's deliveries in every running or paused campaign that will mail them. */
export async function queueCustomerDeliveries(connection: Connection, customerId: Types.ObjectId): Promise<void> {
  const members = await memberModel(connection)
    .find({ customerId, holdout: false, action: trusted({ $nin: ['exclude', 'personal_call'] }) })
    .lean<CampaignMember[]>()
    .exec();
  if (members.length === 0) return;
  const campaigns = await campaignModel(connection)
    .find({ _id: trusted({ $in: members.map((member) => member.campaignId) }), state: trusted({ $in: ['running', 'paused'] }) })
    .lean<Campaign[]>()
    .exec();
  if (campaigns.length === 0) return;
  const customer = await customerModel(connection).findById(customerId, { timezone: 1 }).lean<Pick<Customer, 'timezone'>>().exec();
  for (const campaign of campaigns) {
    const member = members.find((candidate) => candidate.campaignId.equals(campaign._id))!;
    await writeDeliveries(connection, campaign, [
      { customerId, timezone: customer?.timezone || campaign.schedule.defaultTimezone, tier: member.tier, cause: member.cause, variant: member.variant },
    ]);
  }
}

/** One pending delivery per recipient per step; those already written are left as they are. */
export async function writeDeliveries(connection: Connection, campaign: Campaign, recipients: SendListRecipient[]): Promise<void> {
  const deliveries = recipients.flatMap((recipient) =>
    campaign.steps.map(({ day }, step) => ({
      campaignId: campaign._id,
      step,
      customerId: recipient.customerId,
      state: 'pending',
      dueAt: new Date(campaign.schedule.startAt.getTime() + day * DAY),
      timezone: recipient.timezone,
      tier: recipient.tier,
      cause: recipient.cause,
      variant: recipient.variant,
      attempts: 0,
    })),
  );
  if (deliveries.length === 0) return;
  try {
    await deliveryModel(connection).insertMany(deliveries, { ordered: false, lean: true });
  } catch (error) {
    // Deliveries written before (a re-run, another worker, a customer's own queueing) are kept as they are.
    if (!onlyDuplicateKeys(error)) throw error;
  }
}

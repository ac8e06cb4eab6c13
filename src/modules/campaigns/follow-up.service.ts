/**
 * The decisions the campaign engine leaves to a person: what became of an `uncertain` message
 * (the worker died between handing it to SMTP and recording it — see delivery.model.ts), and the
 * personal calls a campaign asked owners to make.
 */
import { Types, trusted, type Connection } from 'mongoose';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { staffAccountModel } from '../accounts/user.model';
import { customerModel, type Customer } from '../customers/customer.model';
import { timelineEventModel } from '../customers/customer-event.model';
import { isDuplicateKeyError } from '../customers/timeline.service';
import { callTaskModel, type CallTask } from './call-task.model';
import { campaignModel, type Campaign } from './campaign.model';
import { deliveryModel, type CampaignDelivery } from './delivery.model';

/** `sent`: the customer did get it. `resend`: it did not arrive; send it again. */
export type UncertainDecision = 'sent' | 'resend';
export const uncertainDecisions: readonly UncertainDecision[] = ['sent', 'resend'];

/**
 * Settles an uncertain message. Marked sent, it counts as sent at the time it was handed over
 * (and goes on the timeline); sent again, it is pending now, and a campaign that had already
 * completed runs again to send it. A cancelled campaign sends nothing more.
 */
export async function resolveUncertainDelivery(connection: Connection, campaignId: string, deliveryId: string, decision: UncertainDecision, staffId: string, now = new Date()): Promise<CampaignDelivery> {
  const campaign = await campaignModel(connection).findById(idOf(campaignId, 'Campaign')).lean<Campaign>().exec();
  if (!campaign) throw new NotFoundError('Campaign not found.');
  const deliveries = deliveryModel(connection);
  const delivery = await deliveries.findOne({ _id: idOf(deliveryId, 'Message'), campaignId: campaign._id }).lean<CampaignDelivery>().exec();
  if (!delivery) throw new NotFoundError('Message not found.');
  if (delivery.state !== 'uncertain') throw new ConflictError(`This message is ${delivery.state}, no longer uncertain.`, { state: delivery.state });
  if (decision === 'resend' && campaign.state === 'cancelled') throw new ConflictError('The campaign was cancelled; it sends nothing more.', { state: campaign.state });

  const sentAt = delivery.claimedAt ?? now;
  const update =
    decision === 'sent'
      ? { $set: { state: 'sent', sentAt, reason: `marked as sent by staff ${staffId}` } }
      : { $set: { state: 'pending', dueAt: now, reason: `sent again by staff ${staffId}` }, $unset: { claimedAt: 1, claimedBy: 1 } };
  const settled = await deliveries.findOneAndUpdate({ _id: delivery._id, state: 'uncertain' }, update, { returnDocument: 'after' }).lean<CampaignDelivery>().exec();
  if (!settled) throw new ConflictError('Someone else decided about this message a moment ago.');

  if (decision === 'sent') await recordSentByHand(connection, campaign, settled, sentAt);
  else await campaignModel(connection).updateOne({ _id: campaign._id, state: 'completed' }, { $set: { state: 'running' }, $unset: { completedAt: 1 } });
  return settled;
}

export interface CallTaskRow {
  id: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  ownerName: string | null;
  tier: string;
  cause: string;
  dueAt: Date;
  status: CallTask['status'];
}

/** A campaign's call tasks, open ones first, with the customer's and the owner's names. */
export async function callTasksOf(connection: Connection, campaignId: Types.ObjectId, limit = 500): Promise<CallTaskRow[]> {
  const tasks = await callTaskModel(connection).find({ campaignId }).sort({ status: -1, dueAt: 1 }).limit(limit).lean<CallTask[]>().exec();
  const customers = await customersById(connection, tasks.map((task) => task.customerId));
  const ownerIds = tasks.flatMap((task) => (task.ownerId ? [task.ownerId] : []));
  const owners = new Map(
    (ownerIds.length === 0 ? [] : await staffAccountModel(connection).find({ _id: trusted({ $in: ownerIds }) }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }[]>().exec()).map((owner) => [
      String(owner._id),
      owner.name,
    ]),
  );
  return tasks.map((task) => {
    const customer = customers.get(String(task.customerId));
    return {
      id: String(task._id),
      customerId: String(task.customerId),
      customerName: customer?.name ?? '',
      customerEmail: customer?.email ?? '',
      ownerName: task.ownerId ? (owners.get(String(task.ownerId)) ?? null) : null,
      tier: task.tier,
      cause: task.cause,
      dueAt: task.dueAt,
      status: task.status,
    };
  });
}

/** Marks a call made; doing it twice changes nothing. */
export async function completeCallTask(connection: Connection, campaignId: string, taskId: string): Promise<void> {
  const task = await callTaskModel(connection).findOne({ _id: idOf(taskId, 'Call task'), campaignId: idOf(campaignId, 'Campaign') }, { _id: 1 }).lean().exec();
  if (!task) throw new NotFoundError('Call task not found.');
  await callTaskModel(connection).updateOne({ _id: task._id, status: 'open' }, { $set: { status: 'done' } });
}

/** Names and addresses of customers, by id (for lists of deliveries and tasks). */
export async function customersById(connection: Connection, ids: Types.ObjectId[]): Promise<Map<string, Pick<Customer, '_id' | 'name' | 'email'>>> {
  if (ids.length === 0) return new Map();
  const found = await customerModel(connection).find({ _id: trusted({ $in: ids }) }, { name: 1, email: 1 }).lean<Pick<Customer, '_id' | 'name' | 'email'>[]>().exec();
  return new Map(found.map((customer) => [String(customer._id), customer]));
}

// ---------------------------------------------------------------------------------------------

/** What the sender records for a sent message: the timeline entry (same key, so once) and the frequency cap's memory. */
async function recordSentByHand(connection: Connection, campaign: Campaign, delivery: CampaignDelivery, sentAt: Date): Promise<void> {
  await timelineEventModel(connection)
    .create({
      customerId: delivery.customerId,
      type: 'campaign_message',
      at: sentAt,
      key: `campaign_message:${delivery._id}`,
      origin: 'campaigns',
      data: { campaignId: String(campaign._id), step: delivery.step, variant: delivery.variant, markedByStaff: true },
    })
    .catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  await customerModel(connection).updateOne(
    { _id: delivery.customerId, 'engagement.lastCampaignMessageAt': trusted({ $not: { $gte: sentAt } }) },
    { $set: { 'engagement.lastCampaignMessageAt': sentAt, 'engagement.lastCampaignId': campaign._id } },
  );
}

function idOf(id: string, what: string): Types.ObjectId {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFoundError(`${what} not found.`);
  return new Types.ObjectId(id);
}

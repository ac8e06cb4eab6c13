/**
 * Sending a running campaign's due messages: within the recipient's send window, under the
 * campaign's throttle and the per-customer frequency cap, stopping a sequence for customers who
 * came back or unsubscribed — and never the same message twice.
 *
 * Each delivery is claimed (pending → sending) before the SMTP hand-over and recorded (→ sent)
 * after it, both conditional updates. A delivery found in `sending` after the lease belonged to
 * a worker that died in between: it becomes `uncertain` and is left for a person (see
 * delivery.model.ts), because the message may or may not have left.
 */
import { trusted, type Connection } from 'mongoose';
import { onlyDuplicateKeys } from '../../shared/db/duplicate-keys';
import { MailDeliveryError, type MailingDependencies } from '../../shared/mail';
import { customerModel, type Customer } from '../customers/customer.model';
import { timelineEventModel } from '../customers/customer-event.model';
import type { Campaign } from './campaign.model';
import { deliveryModel, type CampaignDelivery } from './delivery.model';
import { composeMessage } from './message';
import { isInWindow, nextWindowOpening } from './send-window';

const DAY = 86_400_000;
const MAX_ATTEMPTS = 5;

export type CampaignMailDependencies = MailingDependencies;

export interface SendOptions {
  now?: Date;
  /** Identifies the worker in claims. */
  workerId?: string;
  /** Most deliveries looked at in one run. */
  batchSize?: number;
  /** A claim older than this belonged to a dead worker. Must exceed the SMTP timeout. */
  leaseMs?: number;
  /** Messages handed to SMTP at the same time. */
  concurrency?: number;
  retryBaseMs?: number;
}

export interface SendReport {
  sent: number;
  failed: number;
  retrying: number;
  deferred: number;
  cancelled: number;
  skipped: number;
  uncertain: number;
}

export async function sendDueDeliveries(deps: CampaignMailDependencies, campaign: Campaign, options: SendOptions = {}): Promise<SendReport> {
  const now = options.now ?? new Date();
  const report: SendReport = { sent: 0, failed: 0, retrying: 0, deferred: 0, cancelled: 0, skipped: 0, uncertain: 0 };
  const deliveries = deliveryModel(deps.connection);
  report.uncertain = await markAbandonedClaims(deps.connection, campaign, now, options.leaseMs ?? 5 * 60_000);

  const sentLastMinute = await deliveries.countDocuments({ campaignId: campaign._id, sentAt: trusted({ $gt: new Date(now.getTime() - 60_000) }) });
  const budget = Math.min(campaign.schedule.throttlePerMinute - sentLastMinute, options.batchSize ?? 500);
  if (budget <= 0) return report;

  const due = await deliveries
    .find({ campaignId: campaign._id, state: 'pending', dueAt: trusted({ $lte: now }) })
    .limit(budget)
    .lean<CampaignDelivery[]>()
    .exec();
  if (due.length === 0) return report;
  const customers = new Map(
    (await customerModel(deps.connection).find({ _id: trusted({ $in: due.map((delivery) => delivery.customerId) }) }).lean<Customer[]>().exec()).map((customer) => [String(customer._id), customer]),
  );

  const queue = [...due];
  const sent: CampaignDelivery[] = [];
  const worker = async () => {
    for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
      const outcome = await handle(deps, campaign, delivery, customers.get(String(delivery.customerId)), now, options);
      report[outcome]++;
      if (outcome === 'sent') sent.push(delivery);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  await recordSent(deps.connection, campaign, sent, now);
  return report;
}

/** The frequency cap's memory and the timelines, written once per batch. */
async function recordSent(connection: Connection, campaign: Campaign, sent: CampaignDelivery[], now: Date): Promise<void> {
  if (sent.length === 0) return;
  await customerModel(connection).updateMany(
    { _id: trusted({ $in: sent.map((delivery) => delivery.customerId) }) },
    { $set: { 'engagement.lastCampaignMessageAt': now, 'engagement.lastCampaignId': campaign._id } },
  );
  // A delivery sent again after a person's decision ("send again") has its entry already.
  await timelineEventModel(connection)
    .insertMany(
    sent.map((delivery) => ({
      customerId: delivery.customerId,
      type: 'campaign_message',
      at: now,
      key: `campaign_message:${delivery._id}`,
      origin: 'campaigns',
      data: { campaignId: String(campaign._id), step: delivery.step, variant: delivery.variant },
    })),
    { ordered: false },
  )
    .catch((error: unknown) => {
      if (!onlyDuplicateKeys(error)) throw error;
    });
}


/** Deliveries whose worker died between claim and record: not resent, flagged for a person. */
async function markAbandonedClaims(connection: Connection, campaign: Campaign, now: Date, leaseMs: number): Promise<number> {
  const result = await deliveryModel(connection).updateMany(
    { campaignId: campaign._id, state: 'sending', claimedAt: trusted({ $lt: new Date(now.getTime() - leaseMs) }) },
    { $set: { state: 'uncertain', reason: 'the sending worker stopped before recording the result' } },
  );
  return result.modifiedCount;
}

type Outcome = keyof SendReport;

async function handle(deps: CampaignMailDependencies, campaign: Campaign, delivery: CampaignDelivery, customer: Customer | undefined, now: Date, options: SendOptions): Promise<Outcome> {
  const deliveries = deliveryModel(deps.connection);
  const settle = (set: Record<string, unknown>) => deliveries.updateOne({ _id: delivery._id, state: 'pending' }, { $set: set });

  const stop = stopReason(customer);
  if (stop) {
    await settle({ state: 'cancelled', reason: stop });
    return 'cancelled';
  }
  if (!isInWindow(now, delivery.timezone, campaign.schedule)) {
    await settle({ dueAt: nextWindowOpening(now, delivery.timezone, campaign.schedule) });
    return 'deferred';
  }
  const engagement = customer!.engagement;
  const capUntil = engagement?.lastCampaignMessageAt ? engagement.lastCampaignMessageAt.getTime() + campaign.schedule.frequencyCapDays * DAY : 0;
  if (capUntil > now.getTime() && String(engagement?.lastCampaignId) !== String(campaign._id)) {
    await settle({ state: 'skipped', reason: 'frequency cap' });
    return 'skipped';
  }

  const claimed = await deliveries.updateOne(
    { _id: delivery._id, state: 'pending' },
    { $set: { state: 'sending', claimedAt: now, claimedBy: options.workerId ?? 'worker' }, $inc: { attempts: 1 } },
  );
  if (claimed.modifiedCount === 0) return 'deferred'; // another worker has it

  const message = await composeMessage(deps, campaign, delivery, customer!);
  try {
    await deps.mailer.send(message);
  } catch (error) {
    return recordFailure(deps.connection, delivery, MailDeliveryError.from(error), now, options.retryBaseMs ?? 60_000);
  }
  await deliveries.updateOne({ _id: delivery._id, state: 'sending' }, { $set: { state: 'sent', sentAt: now, messageId: message.messageId }, $unset: { lastError: 1 } });
  return 'sent';
}

/** Why a customer's sequence stops; null to go on. */
function stopReason(customer: Customer | undefined): string | null {
  if (!customer) return 'customer erased';
  if (customer.status === 'won_back') return 'won back';
  if (customer.contact?.unsubscribedAt) return 'unsubscribed';
  if (customer.contact?.doNotContact) return 'do not contact';
  if (!customer.contact?.emailConsent || !customer.email) return 'no e-mail consent';
  return null;
}

async function recordFailure(connection: Connection, delivery: CampaignDelivery, error: MailDeliveryError, now: Date, retryBaseMs: number): Promise<Outcome> {
  const deliveries = deliveryModel(connection);
  const attempts = delivery.attempts + 1;
  if (error.ambiguous) {
    await deliveries.updateOne({ _id: delivery._id, state: 'sending' }, { $set: { state: 'uncertain', lastError: error.message, reason: 'the connection broke while the message was being handed over' } });
    return 'uncertain';
  }
  if (error.permanent || attempts >= MAX_ATTEMPTS) {
    await deliveries.updateOne({ _id: delivery._id, state: 'sending' }, { $set: { state: 'failed', lastError: error.message } });
    return 'failed';
  }
  // The SMTP server said no: nothing left, so the message can safely go again later.
  const retryAt = new Date(now.getTime() + retryBaseMs * 2 ** (attempts - 1));
  await deliveries.updateOne({ _id: delivery._id, state: 'sending' }, { $set: { state: 'pending', dueAt: retryAt, lastError: error.message }, $unset: { claimedAt: 1, claimedBy: 1 } });
  return 'retrying';
}

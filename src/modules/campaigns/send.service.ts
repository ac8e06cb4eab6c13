/**
 * Sending a running campaign's due messages: within the recipient's send window, under the
 * campaign's throttle and the per-customer frequency cap, stopping a sequence for customers who
 * came back or unsubscribed — and never the same message twice.
 *
 * Deliveries go out in groups of `concurrency`: the group is claimed (pending → sending) with one
 * conditional update before the SMTP hand-over, its messages are sent side by side, and those
 * the server took are recorded (→ sent) with one bulk write after it. A delivery found in
 * `sending` after the lease belonged to a worker that died in between: it becomes `uncertain`
 * and is left for a person (see delivery.model.ts), because the message may or may not have
 * left. A group is never larger than the number of messages in flight, so a worker killed at
 * any moment leaves at most `concurrency` uncertain deliveries, as one claim per message did;
 * it costs two database round trips per group instead of two per message.
 */
import { randomUUID } from 'node:crypto';
import { trusted, type AnyBulkWriteOperation, type Connection } from 'mongoose';
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
    (
      await customerModel(deps.connection)
        .find({ _id: trusted({ $in: due.map((delivery) => delivery.customerId) }) }, customerFieldsUsed)
        .lean<Customer[]>()
        .exec()
    ).map((customer) => [String(customer._id), customer]),
  );

  const groupSize = Math.max(1, options.concurrency ?? 4);
  const sent: CampaignDelivery[] = [];
  for (let start = 0; start < due.length; start += groupSize) {
    await sendGroup(deps, campaign, due.slice(start, start + groupSize), customers, now, options, report, sent);
  }
  await recordSent(deps.connection, campaign, sent, now);
  return report;
}

/** What stopping a sequence, the frequency cap and composing a message read of a customer. */
const customerFieldsUsed = { name: 1, email: 1, locale: 1, status: 1, contact: 1, 'engagement.lastCampaignMessageAt': 1, 'engagement.lastCampaignId': 1 };

async function sendGroup(
  deps: CampaignMailDependencies,
  campaign: Campaign,
  group: CampaignDelivery[],
  customers: Map<string, Customer>,
  now: Date,
  options: SendOptions,
  report: SendReport,
  sent: CampaignDelivery[],
): Promise<void> {
  const deliveries = deliveryModel(deps.connection);
  const ready: Array<{ delivery: CampaignDelivery; customer: Customer }> = [];
  const settled: Array<AnyBulkWriteOperation<CampaignDelivery>> = [];
  for (const delivery of group) {
    const customer = customers.get(String(delivery.customerId));
    const verdict = notNow(campaign, delivery, customer, now);
    if (!verdict) {
      ready.push({ delivery, customer: customer! });
      continue;
    }
    settled.push({ updateOne: { filter: { _id: delivery._id, state: 'pending' }, update: { $set: verdict.set } } });
    report[verdict.outcome]++;
  }
  if (settled.length > 0) await deliveries.bulkWrite(settled, { ordered: false });
  if (ready.length === 0) return;

  const claimToken = randomUUID();
  const ids = ready.map(({ delivery }) => delivery._id);
  const claim = await deliveries.updateMany(
    { _id: trusted({ $in: ids }), state: 'pending' },
    { $set: { state: 'sending', claimedAt: now, claimedBy: options.workerId ?? 'worker', claimToken }, $inc: { attempts: 1 } },
  );
  let mine = ready;
  if (claim.modifiedCount < ready.length) {
    // Another worker took some of them first: only ours are sent.
    const held = new Set((await deliveries.find({ _id: trusted({ $in: ids }), claimToken }, { _id: 1 }).lean().exec()).map((delivery) => String(delivery._id)));
    report.deferred += ready.length - held.size;
    mine = ready.filter(({ delivery }) => held.has(String(delivery._id)));
  }

  const handedOver = await Promise.all(
    mine.map(async ({ delivery, customer }) => {
      const message = await composeMessage(deps, campaign, delivery, customer);
      try {
        await deps.mailer.send(message);
        return { delivery, messageId: message.messageId, error: null };
      } catch (error) {
        return { delivery, messageId: message.messageId, error: MailDeliveryError.from(error) };
      }
    }),
  );
  const accepted = handedOver.filter((outcome) => outcome.error === null);
  if (accepted.length > 0) {
    await deliveries.bulkWrite(
      accepted.map(({ delivery, messageId }) => ({
        updateOne: { filter: { _id: delivery._id, state: 'sending' }, update: { $set: { state: 'sent', sentAt: now, messageId }, $unset: { lastError: 1 } } },
      })),
      { ordered: false },
    );
    report.sent += accepted.length;
    sent.push(...accepted.map(({ delivery }) => delivery));
  }
  for (const { delivery, error } of handedOver) {
    if (error) report[await recordFailure(deps.connection, delivery, error, now, options.retryBaseMs ?? 60_000)]++;
  }
}

/** Why a delivery is not sent now, and how it is settled instead; null to send it. */
function notNow(campaign: Campaign, delivery: CampaignDelivery, customer: Customer | undefined, now: Date): { outcome: Outcome; set: Record<string, unknown> } | null {
  const stop = stopReason(customer);
  if (stop) return { outcome: 'cancelled', set: { state: 'cancelled', reason: stop } };
  if (!isInWindow(now, delivery.timezone, campaign.schedule)) return { outcome: 'deferred', set: { dueAt: nextWindowOpening(now, delivery.timezone, campaign.schedule) } };
  const engagement = customer!.engagement;
  const capUntil = engagement?.lastCampaignMessageAt ? engagement.lastCampaignMessageAt.getTime() + campaign.schedule.frequencyCapDays * DAY : 0;
  if (capUntil > now.getTime() && String(engagement?.lastCampaignId) !== String(campaign._id)) return { outcome: 'skipped', set: { state: 'skipped', reason: 'frequency cap' } };
  return null;
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

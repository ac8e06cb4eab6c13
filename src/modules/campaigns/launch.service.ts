/**
 * Launching a campaign: stream the audience (a cursor — never the whole list in memory), decide
 * each member's treatment once, and write one delivery per member per step. Re-running a
 * launch after a crash is safe: members are upserted (an existing decision is kept), deliveries
 * are unique per (campaign, step, customer), and a personal-call task is made once.
 */
import { Types, trusted, type Connection } from 'mongoose';
import { onlyDuplicateKeys } from '../../shared/db/duplicate-keys';
import type { Logger } from '../../shared/logging';
import { customerModel, type Customer } from '../customers/customer.model';
import { recordTimelineEvent } from '../customers/timeline.service';
import { audienceFilter } from '../segments/audience.service';
import { campaignModel, type Campaign } from './campaign.model';
import { inHoldout, pickVariant, ruleFor } from './cells';
import { deliveryModel } from './delivery.model';
import { memberModel, type CampaignMember } from './member.model';
import { callTaskModel } from './call-task.model';

const DAY = 86_400_000;

export interface LaunchOptions {
  now?: Date;
  batchSize?: number;
  /** Uniform [0, 1) draws for holdout and variants (tests pass a seeded one). */
  random?: () => number;
}

export async function launchCampaign(connection: Connection, logger: Logger, campaign: Campaign, options: LaunchOptions = {}): Promise<{ members: number }> {
  const now = options.now ?? new Date();
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 1000;
  // The unique (campaign, step, customer) index is what makes a re-run launch safe: it must exist first.
  await Promise.all([memberModel(connection).init(), deliveryModel(connection).init(), callTaskModel(connection).init()]);
  const filter = await audienceFilter(connection, campaign.audience, { now });
  const cursor = customerModel(connection)
    .find(filter, { _id: 1, name: 1, timezone: 1, value: 1, cause: 1, ownerId: 1 })
    .lean<Customer[]>()
    .cursor({ batchSize });

  // One batch is written while the next is read: the database and this process work at once.
  let writing: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  let batch: Customer[] = [];
  for await (const customer of cursor as AsyncIterable<Customer>) {
    batch.push(customer);
    if (batch.length >= batchSize) {
      const full = batch;
      batch = [];
      await writing;
      if (failure) throw failure;
      writing = launchBatch(connection, campaign, full, random, now).catch((error: unknown) => (failure = error));
    }
  }
  await writing;
  if (failure) throw failure;
  if (batch.length > 0) await launchBatch(connection, campaign, batch, random, now);

  const members = await memberModel(connection).countDocuments({ campaignId: campaign._id });
  await campaignModel(connection).updateOne({ _id: campaign._id }, { $set: { 'launch.completedAt': new Date(), 'launch.members': members } });
  logger.info({ campaignId: String(campaign._id), members }, 'campaign launched');
  return { members };
}

async function launchBatch(connection: Connection, campaign: Campaign, customers: Customer[], random: () => number, now: Date): Promise<void> {
  const members = await storeDecisions(connection, campaign, customers, random, now);
  const byCustomer = new Map(customers.map((customer) => [String(customer._id), customer]));

  const holdouts = members.filter((member) => member.holdout).map((member) => member.customerId);
  if (holdouts.length > 0) {
    await customerModel(connection).updateMany({ _id: trusted({ $in: holdouts }) }, { $addToSet: { 'engagement.campaignHoldouts': campaign._id } });
  }

  const deliveries = [];
  for (const member of members) {
    if (member.holdout || member.action === 'exclude') continue;
    const customer = byCustomer.get(String(member.customerId));
    if (member.action === 'personal_call') {
      await createCallTask(connection, campaign, member, customer, now);
      continue;
    }
    for (const [step, { day }] of campaign.steps.entries()) {
      deliveries.push({
        campaignId: campaign._id,
        step,
        customerId: member.customerId,
        state: 'pending',
        dueAt: new Date(campaign.schedule.startAt.getTime() + day * DAY),
        timezone: customer?.timezone || campaign.schedule.defaultTimezone,
        tier: member.tier,
        cause: member.cause,
        variant: member.variant,
        attempts: 0,
      });
    }
  }
  if (deliveries.length === 0) return;
  try {
    await deliveryModel(connection).insertMany(deliveries, { ordered: false, lean: true });
  } catch (error) {
    // Deliveries an earlier launch already wrote are duplicates: exactly what we want to keep.
    if (!onlyDuplicateKeys(error)) throw error;
  }
}

/**
 * Decides each customer's treatment and stores it. A decision an earlier (crashed) launch
 * already stored wins: those inserts fail as duplicates and the stored ones are read back.
 */
async function storeDecisions(connection: Connection, campaign: Campaign, customers: Customer[], random: () => number, now: Date): Promise<CampaignMember[]> {
  // A lean insertMany skips the schema's timestamps: createdAt is set here, since the dashboard counts members by it.
  const decisions = customers.map((customer) => ({ _id: new Types.ObjectId(), createdAt: now, ...decide(campaign, customer, random) }));
  try {
    await memberModel(connection).insertMany(decisions, { ordered: false, lean: true });
    return decisions as CampaignMember[];
  } catch (error) {
    if (!onlyDuplicateKeys(error)) throw error;
  }
  return memberModel(connection)
    .find({ campaignId: campaign._id, customerId: trusted({ $in: customers.map((customer) => customer._id) }) })
    .lean<CampaignMember[]>()
    .exec();
}

function decide(campaign: Campaign, customer: Customer, random: () => number): Omit<CampaignMember, '_id' | 'createdAt'> {
  const cell = { tier: customer.value?.tier ?? 'none', cause: customer.cause?.code ?? 'other' };
  const match = ruleFor(campaign.offers, cell);
  const holdout = match !== null && match.rule.action !== 'exclude' && inHoldout(campaign.holdoutPercent, random());
  return {
    campaignId: campaign._id,
    customerId: customer._id,
    ...cell,
    rule: match?.index ?? -1,
    action: match?.rule.action ?? 'exclude',
    variant: match ? pickVariant(match.rule.variants, random())?.key : undefined,
    holdout,
  };
}

/** A VIP gets a call from their owner, not an e-mail: a task, made once per member. */
async function createCallTask(connection: Connection, campaign: Campaign, member: CampaignMember, customer: Customer | undefined, now: Date): Promise<void> {
  const result = await callTaskModel(connection).updateOne(
    { campaignId: campaign._id, customerId: member.customerId },
    { $setOnInsert: { ownerId: customer?.ownerId, dueAt: new Date(Math.max(now.getTime(), campaign.schedule.startAt.getTime())), status: 'open', tier: member.tier, cause: member.cause } },
    { upsert: true },
  );
  if (result.upsertedCount > 0) {
    await recordTimelineEvent(connection, { customerId: member.customerId as Types.ObjectId, type: 'call_task', origin: 'campaigns', data: { campaignId: String(campaign._id) } });
  }
}

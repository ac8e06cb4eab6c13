/**
 * Live reports from the host CRM: a customer churned (cancellation or inactivity), came back,
 * or bought something. Each is idempotent by the caller's id: the same report twice finds the
 * first and changes nothing.
 *
 * Everything that can refuse a report (unknown customer, wrong status) is checked before the
 * first write; the timeline event is written first because its unique key is what makes a
 * report count once, even when two copies arrive together.
 */
import { Types, type Connection } from 'mongoose';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { timelineEventModel, type TimelineEvent } from './customer-event.model';
import { customerModel, searchKeysOf, type ChurnEpisode, type Customer } from './customer.model';
import type { ChurnEventInput, ReactivationInput } from './customers.schemas';
import { findCustomerByReference, type Actor } from './customers.service';
import { customerEvents } from './domain-events';
import { isDuplicateKeyError, recordTimelineEvent, timelineEventByKey } from './timeline.service';
import { recomputeCustomerValue } from './value/value.service';

export interface ReportOutcome {
  customer: Customer;
  event: TimelineEvent;
  /** True when this report was received before: nothing was changed. */
  duplicate: boolean;
}

export async function recordChurnEvent(connection: Connection, input: ChurnEventInput, actor: Actor): Promise<ReportOutcome> {
  const key = `churned:${input.customer.source}:${input.eventId}`;
  const earlier = await earlierReport(connection, key);
  if (earlier) return earlier;

  const known = await findCustomerByReference(connection, input.customer);
  if (!known && !input.customer.name && !input.customer.email) {
    throw new NotFoundError('No customer has this external id; include customer.name or customer.email to create one.', [
      { field: 'customer.externalId', reason: 'unknown customer' },
    ]);
  }
  const customerId = known?._id ?? new Types.ObjectId();
  const alreadyChurned = known?.status === 'churned';
  const event = await claimReport(connection, key, () =>
    recordTimelineEvent(connection, {
      customerId,
      type: 'churned',
      at: input.at,
      key,
      origin: 'api',
      actor: actor.id,
      data: { eventId: input.eventId, trigger: input.trigger, churnType: input.churnType, cause: input.cause, alreadyChurned },
    }),
  );
  if ('duplicate' in event) return event;

  if (!known) {
    const created = await createCustomer(connection, customerId, input);
    if (!created) {
      // Another report created this customer a moment ago: withdraw ours and file it against theirs.
      await timelineEventModel(connection).deleteOne({ _id: event._id });
      return recordChurnEvent(connection, input, actor);
    }
  }
  // A second churn report for a customer still lost is kept on the timeline but starts no new episode.
  if (!alreadyChurned) await applyChurn(connection, customerId, known, input, actor);
  const customer = (await recomputeCustomerValue(connection, customerId, new Date())) as Customer;
  if (!alreadyChurned) await customerEvents(connection).emit('customer.churned', { customer, event });
  return { customer, event, duplicate: false };
}

export async function recordReactivation(connection: Connection, input: ReactivationInput, actor: Actor): Promise<ReportOutcome> {
  const key = `reactivated:${input.customer.source}:${input.eventId}`;
  const earlier = await earlierReport(connection, key);
  if (earlier) return earlier;

  const known = await findCustomerByReference(connection, input.customer);
  if (!known) throw new NotFoundError('No customer has this external id.', [{ field: 'customer.externalId', reason: 'unknown customer' }]);
  if (known.status !== 'churned') {
    throw new ConflictError(`Only a churned customer can come back; this one is ${known.status}.`, [{ field: 'customer', reason: `status is ${known.status}` }]);
  }
  const event = await claimReport(connection, key, () =>
    recordTimelineEvent(connection, {
      customerId: known._id,
      type: 'reactivated',
      at: input.at,
      key,
      origin: 'api',
      actor: actor.id,
      data: { eventId: input.eventId, monthlyRevenue: input.monthlyRevenue, plan: input.plan },
    }),
  );
  if ('duplicate' in event) return event;

  await customerModel(connection).updateOne(
    { _id: known._id },
    {
      $set: {
        status: 'won_back',
        wonBackAt: input.at,
        churns: episodesAfterReturn(known.churns ?? [], input),
        ...(input.monthlyRevenue !== undefined ? { 'revenue.monthly': input.monthlyRevenue } : {}),
        ...(input.plan !== undefined ? { plan: input.plan } : {}),
      },
    },
  );
  const customer = (await recomputeCustomerValue(connection, known._id, new Date())) as Customer;
  await customerEvents(connection).emit('customer.won_back', { customer, event });
  return { customer, event, duplicate: false };
}

// ---------------------------------------------------------------------------------------------

async function earlierReport(connection: Connection, key: string): Promise<ReportOutcome | null> {
  const event = await timelineEventByKey(connection, key);
  if (!event) return null;
  const customer = await customerModel(connection).findById(event.customerId).lean<Customer>().exec();
  return customer ? { customer, event, duplicate: true } : null;
}

/** Records the report's event; if a copy of the same report won the race, answers with that one. */
async function claimReport(connection: Connection, key: string, record: () => Promise<TimelineEvent>): Promise<TimelineEvent | ReportOutcome> {
  try {
    return await record();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const earlier = await earlierReport(connection, key);
    if (!earlier) throw error;
    return earlier;
  }
}

/** Creates the customer a churn report introduces; false when one with its external id appeared meanwhile. */
async function createCustomer(connection: Connection, id: Types.ObjectId, input: ChurnEventInput): Promise<boolean> {
  const { externalId, source, emailConsent, tags, ...details } = input.customer;
  const created = customerModel(connection).create({
    _id: id,
    externalId,
    source,
    ...details,
    status: 'active',
    contact: { emailConsent: emailConsent ?? false, doNotContact: false },
    tags: tags ?? [],
    searchKeys: searchKeysOf({ externalId, name: details.name, email: details.email }),
  });
  return created.then(
    () => true,
    (error: unknown) => {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    },
  );
}

async function applyChurn(connection: Connection, id: Types.ObjectId, known: Customer | null, input: ChurnEventInput, actor: Actor): Promise<void> {
  const episode: ChurnEpisode = { at: input.at, ...(input.churnType ? { type: input.churnType } : {}) };
  const keepsCause = known?.cause && known.cause.source !== 'import';
  const cause = input.cause && !keepsCause ? { ...input.cause, source: 'import', setBy: actor.id, setAt: new Date() } : undefined;
  await customerModel(connection).updateOne(
    { _id: id },
    {
      $set: {
        status: 'churned',
        churnedAt: input.at,
        ...(input.churnType ? { churnType: input.churnType } : {}),
        churns: [...(known?.churns ?? []), episode].sort((a, b) => a.at.getTime() - b.at.getTime()),
        ...(cause ? { cause } : {}),
      },
    },
  );
}

/** Closes the open churn episode (the latest without a return). */
function episodesAfterReturn(episodes: ChurnEpisode[], input: ReactivationInput): ChurnEpisode[] {
  const open = episodes.map((episode, index) => ({ episode, index })).filter(({ episode }) => !episode.wonBackAt).pop();
  if (!open) return episodes;
  const closed = { ...open.episode, wonBackAt: input.at, ...(input.monthlyRevenue !== undefined ? { wonBackMonthlyRevenue: input.monthlyRevenue } : {}) };
  return episodes.map((episode, index) => (index === open.index ? closed : episode));
}

/**
 * Live reports from the host CRM: a customer churned (cancellation or inactivity), came back,
 * or bought something. Each is idempotent by the caller's id: the same report twice finds the
 * first and changes nothing.
 *
 * Everything that can refuse a report (unknown customer, wrong status) is checked before the
 * first write; the timeline event is written first because its unique key is what makes a
 * report count once, even when two copies arrive together.
 *
 * A request can die half-way (the database went away after the event was written): the event
 * is there but the customer was not changed. The caller then sends the report again, and that
 * copy finishes the job instead of answering "duplicate". While the first request may still be
 * working (its event is younger than `reportLeaseMs`) a copy is told to try again shortly.
 */
import { Types, type Connection } from 'mongoose';
import { AppError, ConflictError, NotFoundError } from '../../shared/errors';
import { checkCauses } from '../classification/known-causes';
import { timelineEventModel, type TimelineEvent } from './customer-event.model';
import { customerModel, searchKeysOf, type ChurnEpisode, type Customer } from './customer.model';
import type { ChurnEventInput, ReactivationInput } from './customers.schemas';
import { findCustomerByReference, type Actor } from './customers.service';
import { customerEvents } from './domain-events';
import { isDuplicateKeyError, recordTimelineEvent, timelineEventByKey } from './timeline.service';
import { recomputeCustomerValue } from './value/value.service';

/** A report event younger than this may still belong to the request that is recording it. */
export const reportLeaseMs = 5_000;

export interface ReportOutcome {
  customer: Customer;
  event: TimelineEvent;
  /** True when this report was received before: nothing was changed. */
  duplicate: boolean;
}

export async function recordChurnEvent(connection: Connection, input: ChurnEventInput, actor: Actor): Promise<ReportOutcome> {
  const key = `churned:${input.customer.source}:${input.eventId}`;
  const earlier = await timelineEventByKey(connection, key);
  if (earlier) return finishChurnReport(connection, earlier, input, actor);
  // A new report may only name causes in use; a repeated one answers as the first did.
  await checkCauses(
    connection,
    [
      { field: 'cause.code', code: input.cause?.code },
      { field: 'cause.secondary', code: input.cause?.secondary },
    ],
    'assign',
  );

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
  if (!('_id' in event)) return finishChurnReport(connection, event.earlier, input, actor);

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
  const earlier = await timelineEventByKey(connection, key);
  if (earlier) return finishReactivation(connection, earlier, input);

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
  if (!('_id' in event)) return finishReactivation(connection, event.earlier, input);
  return applyReactivation(connection, known, event, input);
}

// ---------------------------------------------------------------------------------------------

/**
 * A churn report whose event exists: a duplicate when the customer is there and churned by it
 * (or was already churned), otherwise finished now — the customer made and the churn applied —
 * and announced, since the request that died before these steps never announced it.
 */
async function finishChurnReport(connection: Connection, event: TimelineEvent, input: ChurnEventInput, actor: Actor): Promise<ReportOutcome> {
  const customer = await customerModel(connection).findById(event.customerId).lean<Customer>().exec();
  const applied = customer && (event.data.alreadyChurned === true || (customer.churns ?? []).some((episode) => sameTime(episode.at, event.at)));
  if (applied) return { customer, event, duplicate: true };
  refuseWhileRecording(event);

  const report = { ...input, at: event.at };
  if (!customer && !(await createCustomer(connection, event.customerId, report))) {
    // Another report created this customer meanwhile: withdraw ours and file it against theirs.
    await timelineEventModel(connection).deleteOne({ _id: event._id });
    return recordChurnEvent(connection, input, actor);
  }
  await applyChurn(connection, event.customerId, customer, report, actor);
  const churned = (await recomputeCustomerValue(connection, event.customerId, new Date())) as Customer;
  await customerEvents(connection).emit('customer.churned', { customer: churned, event });
  return { customer: churned, event, duplicate: false };
}

/** A reactivation whose event exists: a duplicate when the return was applied, otherwise applied now. */
async function finishReactivation(connection: Connection, event: TimelineEvent, input: ReactivationInput): Promise<ReportOutcome> {
  const customer = await customerModel(connection).findById(event.customerId).lean<Customer>().exec();
  if (!customer) throw new NotFoundError('No customer has this external id.', [{ field: 'customer.externalId', reason: 'unknown customer' }]);
  const applied = customer.status !== 'churned' || (customer.churns ?? []).some((episode) => episode.wonBackAt && sameTime(episode.wonBackAt, event.at));
  if (applied) return { customer, event, duplicate: true };
  refuseWhileRecording(event);
  return applyReactivation(connection, customer, event, { ...input, at: event.at });
}

async function applyReactivation(connection: Connection, known: Customer, event: TimelineEvent, input: ReactivationInput): Promise<ReportOutcome> {
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

/** A half-recorded report may still be in the hands of the request recording it: try again shortly. */
function refuseWhileRecording(event: TimelineEvent, now = Date.now()): void {
  if (now - new Date(event.createdAt).getTime() >= reportLeaseMs) return;
  throw new AppError('report_in_progress', 'This report is still being recorded. Send it again in a few seconds.', { httpStatus: 409 });
}

/** Records the report's event; if a copy of the same report won the race, returns that copy's event. */
async function claimReport(connection: Connection, key: string, record: () => Promise<TimelineEvent>): Promise<TimelineEvent | { earlier: TimelineEvent }> {
  try {
    return await record();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const earlier = await timelineEventByKey(connection, key);
    if (!earlier) throw error;
    return { earlier };
  }
}

function sameTime(a: Date, b: Date): boolean {
  return new Date(a).getTime() === new Date(b).getTime();
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

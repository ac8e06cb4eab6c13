/**
 * What the staff customer page shows besides the record itself: the timeline, a summary of
 * the customer's transactions, the exit-survey invitations and the names behind the ids the
 * timeline mentions (staff, campaigns).
 */
import { trusted, Types, type Connection } from 'mongoose';
import { staffAccountModel } from '../accounts/user.model';
import { campaignModel } from '../campaigns/campaign.model';
import { invitationsOf } from '../surveys/invitations.service';
import type { Invitation } from '../surveys/invitation.model';
import type { TimelineEvent } from './customer-event.model';
import type { Customer } from './customer.model';
import { findCustomer } from './customers.service';
import { timelineOf } from './timeline.service';
import { transactionModel } from './transaction.model';
import { transactionKinds, type TransactionKind } from './vocabulary';

export interface TransactionSummary {
  count: number;
  byKind: Record<TransactionKind, { count: number; amount: number }>;
  firstAt: Date | null;
  lastAt: Date | null;
}

export interface CustomerPageData {
  customer: Customer;
  /** Newest first, at most `timelineLimit` events. */
  timeline: TimelineEvent[];
  transactions: TransactionSummary;
  invitations: Invitation[];
  /** Names of the staff users and campaigns the page mentions, by id. */
  names: Map<string, string>;
}

export const timelineLimit = 200;

export async function customerPageData(connection: Connection, id: string): Promise<CustomerPageData> {
  const customer = await findCustomer(connection, id);
  const [timeline, transactions, invitations] = await Promise.all([
    timelineOf(connection, customer._id, timelineLimit),
    transactionSummary(connection, customer._id),
    invitationsOf(connection, customer._id),
  ]);
  const names = await namesOf(connection, [customer.ownerId, customer.cause?.setBy, ...timeline.flatMap(idsMentioned)]);
  return { customer, timeline, transactions, invitations, names };
}

/** Counts and sums per kind, and the first and last transaction, in one pass over the customer's transactions. */
export async function transactionSummary(connection: Connection, customerId: Types.ObjectId): Promise<TransactionSummary> {
  const groups = await transactionModel(connection)
    .aggregate<{ _id: TransactionKind; count: number; amount: number; firstAt: Date; lastAt: Date }>([
      { $match: { customerId } },
      { $group: { _id: '$kind', count: { $sum: 1 }, amount: { $sum: '$amount' }, firstAt: { $min: '$at' }, lastAt: { $max: '$at' } } },
    ])
    .exec();
  const summary: TransactionSummary = {
    count: 0,
    byKind: Object.fromEntries(transactionKinds.map((kind) => [kind, { count: 0, amount: 0 }])) as TransactionSummary['byKind'],
    firstAt: null,
    lastAt: null,
  };
  for (const group of groups) {
    summary.count += group.count;
    summary.byKind[group._id] = { count: group.count, amount: group.amount };
    if (!summary.firstAt || group.firstAt < summary.firstAt) summary.firstAt = group.firstAt;
    if (!summary.lastAt || group.lastAt > summary.lastAt) summary.lastAt = group.lastAt;
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------

/** Record ids an event refers to: who did it, the interviewer, the campaign. */
function idsMentioned(event: TimelineEvent): unknown[] {
  return [event.actor, event.data?.interviewerId, event.data?.campaignId];
}

/** Looks the ids up among staff accounts and campaigns; ids that are neither are left out. */
async function namesOf(connection: Connection, candidates: unknown[]): Promise<Map<string, string>> {
  const ids = [...new Set(candidates.map((id) => (id === undefined || id === null ? '' : String(id))).filter((id) => /^[0-9a-f]{24}$/i.test(id)))];
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const objectIds = ids.map((id) => new Types.ObjectId(id));
  const [staff, campaigns] = await Promise.all([
    staffAccountModel(connection).find({ _id: trusted({ $in: objectIds }) }, { name: 1 }).lean().exec(),
    campaignModel(connection).find({ _id: trusted({ $in: objectIds }) }, { name: 1 }).lean().exec(),
  ]);
  for (const record of [...staff, ...campaigns]) names.set(String(record._id), record.name);
  return names;
}

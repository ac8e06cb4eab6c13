/**
 * Inviting churned customers to the exit survey: one open invitation per customer and survey,
 * the suppression rules (no address, no consent, unsubscribed, do-not-contact, deceased), staff
 * resends, and the bulk invitation of everyone churned in a period (the investigation flow).
 */
import { Types, trusted, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import { customerModel, type Customer } from '../customers/customer.model';
import { invitationModel, type Invitation } from './invitation.model';
import { currentSurvey, EXIT_SURVEY } from './surveys.service';

const DAY = 86_400_000;

export interface InviteOptions {
  origin: string;
  now?: Date;
  /** Overrides the survey's delay (staff "send now" uses 0). */
  delayMinutes?: number;
  surveyKey?: string;
}

export type InviteOutcome = { invitation: Invitation; created: boolean };

/** Why a customer must not be sent a survey; null when they may be. */
export function suppressionReason(customer: Pick<Customer, 'email' | 'contact' | 'cause'>): string | null {
  if (!customer.email) return 'no e-mail address';
  if (customer.contact?.doNotContact) return 'do not contact';
  if (customer.contact?.unsubscribedAt) return 'unsubscribed';
  if (!customer.contact?.emailConsent) return 'no e-mail consent';
  if (customer.cause?.code === 'natural' && /deceased|died|去世|过世/i.test(customer.cause.reason ?? '')) return 'deceased';
  return null;
}

/**
 * Schedules the survey for one customer, or returns the open invitation it already has.
 * A suppressed customer gets a `suppressed` invitation record, so staff see why nothing went out.
 */
export async function inviteCustomer(connection: Connection, customerId: Types.ObjectId | string, options: InviteOptions): Promise<InviteOutcome> {
  const now = options.now ?? new Date();
  const customer = await customerModel(connection).findById(customerId).lean<Customer>().exec();
  if (!customer) throw new NotFoundError('Customer not found.', { customerId: String(customerId) });
  const survey = await currentSurvey(connection, options.surveyKey ?? EXIT_SURVEY);
  if (!survey) throw new NotFoundError('Survey not found.', { surveyKey: options.surveyKey ?? EXIT_SURVEY });

  const invitations = invitationModel(connection);
  const open = await invitations
    .findOne({ customerId: customer._id, surveyKey: survey.key, status: trusted({ $in: ['scheduled', 'sent'] }) })
    .lean<Invitation>()
    .exec();
  if (open) return { invitation: open, created: false };

  const reason = suppressionReason(customer);
  const sendAt = new Date(now.getTime() + (options.delayMinutes ?? survey.schedule.delayMinutes) * 60_000);
  const created = await invitations.create({
    customerId: customer._id,
    surveyKey: survey.key,
    surveyVersion: survey.version,
    status: reason ? 'suppressed' : 'scheduled',
    reason: reason ?? undefined,
    locale: customer.locale ?? 'en',
    sendAt,
    nextMessageAt: reason ? undefined : sendAt,
    expiresAt: new Date(sendAt.getTime() + survey.schedule.expiryDays * DAY),
    origin: options.origin,
  });
  return { invitation: created.toObject() as Invitation, created: true };
}

/**
 * Staff "send again": sends the open invitation now (a fresh link), or starts a new one when the
 * last has been answered or has expired.
 */
export async function resendInvitation(connection: Connection, customerId: string, staffId: string, now = new Date()): Promise<InviteOutcome> {
  const invitations = invitationModel(connection);
  const open = await invitations.findOneAndUpdate(
    { customerId: new Types.ObjectId(customerId), status: trusted({ $in: ['scheduled', 'sent'] }) },
    { $set: { nextMessageAt: now } },
    { returnDocument: 'after' },
  );
  if (open) return { invitation: open.toObject() as Invitation, created: false };
  return inviteCustomer(connection, customerId, { origin: `staff:${staffId}`, delayMinutes: 0, now });
}

export interface BulkInviteFilter {
  /** `churned`: churned in the period; `inactive`: still customers, last purchase in the period and none since. */
  group: 'churned' | 'inactive';
  from: Date;
  to: Date;
  /** Leave out customers sent a survey in the last this many days (answered, expired or not). */
  notSurveyedWithinDays?: number;
}

export interface BulkInviteCounts {
  invited: number;
  alreadyOpen: number;
  suppressed: number;
  /** Left out by `notSurveyedWithinDays`. */
  recentlySurveyed: number;
}

/** Invites every churned customer whose churn falls in the period; returns how many were new. */
export async function inviteBetween(connection: Connection, filter: BulkInviteFilter, origin: string, now = new Date()): Promise<BulkInviteCounts> {
  const period = trusted({ $gte: filter.from, $lte: filter.to });
  const who: Record<string, unknown> =
    filter.group === 'churned'
      ? { status: 'churned', churnedAt: period }
      : { status: trusted({ $in: ['active', 'at_risk'] }), lastTransactionAt: period };
  const cursor = customerModel(connection)
    .find(who, { _id: 1 })
    .lean()
    .cursor();
  const recent = filter.notSurveyedWithinDays ? await surveyedSince(connection, new Date(now.getTime() - filter.notSurveyedWithinDays * DAY)) : new Set<string>();
  const counts = { invited: 0, alreadyOpen: 0, suppressed: 0, recentlySurveyed: 0 };
  for await (const customer of cursor) {
    if (recent.has(String(customer._id))) {
      counts.recentlySurveyed++;
      continue;
    }
    const { invitation, created } = await inviteCustomer(connection, customer._id as Types.ObjectId, { origin, now });
    if (!created) counts.alreadyOpen++;
    else if (invitation.status === 'suppressed') counts.suppressed++;
    else counts.invited++;
  }
  return counts;
}

/** Customers whose survey went out since `since`, closed since (open ones are reported as open). */
async function surveyedSince(connection: Connection, since: Date): Promise<Set<string>> {
  const ids = await invitationModel(connection).distinct('customerId', { sentAt: trusted({ $gte: since }), status: trusted({ $nin: ['scheduled', 'sent'] }) });
  return new Set(ids.map(String));
}

/** Closes every open invitation of a customer (unsubscribe, do-not-contact, erase). */
export async function suppressOpenInvitations(connection: Connection, customerId: Types.ObjectId, reason: string): Promise<number> {
  const result = await invitationModel(connection).updateMany(
    { customerId, status: trusted({ $in: ['scheduled', 'sent'] }) },
    { $set: { status: 'suppressed', reason }, $unset: { nextMessageAt: 1 } },
  );
  return result.modifiedCount;
}

export async function invitationsOf(connection: Connection, customerId: Types.ObjectId): Promise<Invitation[]> {
  return invitationModel(connection).find({ customerId }).sort({ createdAt: -1 }).lean<Invitation[]>().exec();
}

/**
 * The review queue: customers whose comment the classifier could not read with confidence.
 * Staff confirm the suggestion or correct it with one click; either way the cause becomes
 * staff-decided (source `staff`, `confirmedAt` set), the change is audited and goes on the
 * timeline, and the customer's words with that cause become a label the next retraining uses.
 * The cause must be active in the stored taxonomy (an admin's own cause included).
 */
import { Types, type Connection } from 'mongoose';
import { recordAudit } from '../../shared/audit/audit-log';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { CauseCode } from '../customers/causes';
import { checkCauses } from './known-causes';
import { customerModel, type ChurnCause, type Customer } from '../customers/customer.model';
import { customerEvents } from '../customers/domain-events';
import { recordTimelineEvent } from '../customers/timeline.service';

export interface ReviewQueuePage {
  customers: Customer[];
  /** Everyone waiting, not only this page. */
  total: number;
}

/** Customers waiting for review, the most valuable first (win-back effort follows value). */
export async function reviewQueue(connection: Connection, options: { limit?: number } = {}): Promise<ReviewQueuePage> {
  const customers = customerModel(connection);
  const waiting = { 'cause.needsReview': true };
  const [page, total] = await Promise.all([
    customers
      .find(waiting, { name: 1, externalId: 1, source: 1, email: 1, status: 1, churnedAt: 1, locale: 1, cause: 1, 'value.tier': 1, 'value.clv': 1 })
      .sort({ 'value.clv': -1, _id: -1 })
      .limit(options.limit ?? 50)
      .lean<Customer[]>()
      .exec(),
    customers.countDocuments(waiting).exec(),
  ]);
  return { customers: page, total };
}

export type ReviewDecision = 'confirm' | 'correct';

export interface ReviewDecisionInput {
  customerId: string;
  decision: ReviewDecision;
  /** The cause staff confirm (the suggestion they saw) or pick. */
  cause: CauseCode;
  staff: { id: string; name?: string };
  now?: Date;
}

/**
 * Applies a review decision. Refused with a ConflictError when the customer no longer waits for
 * review (someone decided first, or a newer comment was classified with confidence), and with a
 * CauseNotAllowedError for a cause that is unknown or retired.
 */
export async function decideReview(connection: Connection, input: ReviewDecisionInput): Promise<Customer> {
  await checkCauses(connection, [{ field: 'cause', code: input.cause }], 'assign');
  const now = input.now ?? new Date();
  const customers = customerModel(connection);
  const current = Types.ObjectId.isValid(input.customerId) ? await customers.findById(input.customerId).lean<Customer>().exec() : null;
  if (!current) throw new NotFoundError('No customer has this id.');
  if (!current.cause?.needsReview) throw new ConflictError('This customer no longer waits for review.');

  const cause: ChurnCause = {
    code: input.cause,
    confidence: 1,
    source: 'staff',
    // The customer's words stay: with the decided cause they are the label.
    reason: current.cause.reason,
    setBy: input.staff.id,
    setAt: now,
    confirmedAt: now,
  };
  const updated = await customers
    .findOneAndUpdate({ _id: current._id, 'cause.needsReview': true, 'cause.setAt': current.cause.setAt }, { $set: { cause } }, { returnDocument: 'after' })
    .lean<Customer>()
    .exec();
  if (!updated) throw new ConflictError('This customer no longer waits for review.');

  const before = { code: current.cause.code, suggested: current.cause.suggested, confidence: current.cause.confidence, source: current.cause.source };
  const after = { code: cause.code, source: cause.source, confidence: cause.confidence };
  await recordAudit(connection, {
    action: `customer.cause_review_${input.decision}`,
    subjectType: 'customer',
    subjectId: current._id,
    actorId: input.staff.id,
    actorName: input.staff.name,
    at: now,
    before,
    after,
  });
  await recordTimelineEvent(connection, {
    customerId: current._id,
    type: 'cause_set',
    at: now,
    origin: 'staff',
    actor: input.staff.id,
    data: { code: cause.code, source: 'staff', previous: current.cause.code, suggested: current.cause.suggested, review: input.decision },
  });
  await customerEvents(connection).emit('customer.updated', { customer: updated, changed: ['cause'] });
  await customerEvents(connection).emit('customer.classified', { customer: updated });
  return updated;
}


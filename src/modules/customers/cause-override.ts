/**
 * Staff overriding a customer's churn cause by hand, with a comment saying why. The change is
 * audited (who, when, before, after, comment) and goes on the timeline; afterwards the cause's
 * source is `staff`, which surveys and interviews no longer overwrite. The customer's own words
 * (`cause.reason`) are kept: with the corrected label they teach the classifier. Only an active
 * cause of the stored taxonomy may be set; anything else is refused before a write.
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { recordAudit } from '../../shared/audit/audit-log';
import { checkCauses } from '../classification/known-causes';
import { causeCodeField } from './causes';
import { customerModel, type ChurnCause, type Customer } from './customer.model';
import { findCustomer } from './customers.service';
import { customerEvents } from './domain-events';
import { recordTimelineEvent } from './timeline.service';

const cause = causeCodeField('common:validation.choice');

export const causeOverrideSchema = z
  .object({
    code: cause,
    secondary: z.preprocess((raw) => (raw === '' ? undefined : raw), cause.optional()),
    comment: z.string({ error: 'customers:override.error.comment' }).trim().min(1, 'customers:override.error.comment').max(1000, 'common:validation.tooLong'),
  })
  .refine((input) => input.secondary !== input.code, { path: ['secondary'], message: 'customers:override.error.sameSecondary' });

export type CauseOverride = z.output<typeof causeOverrideSchema>;

export interface StaffActor {
  id: string;
  name: string;
}

/** Sets the cause as staff decided; returns the customer as stored afterwards. A cause not in use is a `CauseNotAllowedError`. */
export async function overrideCause(connection: Connection, customerId: string, input: CauseOverride, staff: StaffActor, now: Date = new Date()): Promise<Customer> {
  const customer = await findCustomer(connection, customerId);
  await checkCauses(
    connection,
    [
      { field: 'code', code: input.code },
      { field: 'secondary', code: input.secondary },
    ],
    'assign',
  );
  const cause: ChurnCause = {
    code: input.code,
    secondary: input.secondary,
    confidence: 1,
    source: 'staff',
    reason: customer.cause?.reason,
    setBy: staff.id,
    setAt: now,
  };
  await customerModel(connection).updateOne({ _id: customer._id }, { $set: { cause } }).exec();

  const before = customer.cause ? { code: customer.cause.code, secondary: customer.cause.secondary, source: customer.cause.source, confidence: customer.cause.confidence } : null;
  const after = { code: cause.code, secondary: cause.secondary, source: cause.source, confidence: cause.confidence };
  await recordAudit(connection, {
    action: 'customer.cause_override',
    subjectType: 'customer',
    subjectId: customer._id,
    actorId: staff.id,
    actorName: staff.name,
    at: now,
    before,
    after,
    comment: input.comment,
  });
  await recordTimelineEvent(connection, {
    customerId: customer._id,
    type: 'cause_set',
    at: now,
    origin: 'staff',
    actor: staff.id,
    data: { code: cause.code, secondary: cause.secondary, source: 'staff', previous: before?.code, comment: input.comment },
  });
  const updated = await findCustomer(connection, customerId);
  await customerEvents(connection).emit('customer.updated', { customer: updated, changed: ['cause'] });
  return updated;
}

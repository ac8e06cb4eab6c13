/**
 * Logging and editing exit interviews. What an interview heard becomes the customer's churn
 * cause (source `interview`, full confidence) unless staff set the cause by hand; the customer's
 * most recent interview is the one that counts. When staff give no primary cause, the
 * classifier reads the notes instead. Every step goes on the customer's timeline. The causes
 * heard must be active in the stored taxonomy; an edit may keep one retired since.
 */
import { Types, trusted, type Connection } from 'mongoose';
import { recordAudit } from '../../shared/audit/audit-log';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { staffAccountModel } from '../accounts/user.model';
import { classifyCustomer } from '../classification/customer-classification.service';
import { checkCauses } from '../classification/known-causes';
import type { CauseCode } from '../customers/causes';
import { customerModel, type ChurnCause, type Customer } from '../customers/customer.model';
import { findCustomer } from '../customers/customers.service';
import { customerEvents } from '../customers/domain-events';
import { recordTimelineEvent } from '../customers/timeline.service';
import { interviewModel, type Interview, type InterviewFields } from './interview.model';
import type { InterviewInput } from './interviews.schemas';

export interface InterviewOutcome {
  interview: Interview;
  /** True when the interview set the customer's cause; false when staff had set it by hand (or nothing changed). */
  causeSet: boolean;
  /** The cause the classifier read in the notes, when no primary cause was given and it set one. */
  classified?: CauseCode;
  /** Fields an edit changed; every field for a new interview. */
  changed: (keyof InterviewFields)[];
}

/** Records an interview with a customer; throws NotFoundError for an unknown customer, ValidationError for an unknown interviewer or cause. */
export async function logInterview(connection: Connection, customerId: string, heard: InterviewInput, staffId: string, now: Date = new Date()): Promise<InterviewOutcome> {
  const customer = await findCustomer(connection, customerId);
  await checkInterviewer(connection, heard.interviewerId);
  const input = await withCheckedCauses(connection, heard);
  const created = await interviewModel(connection).create({ customerId: customer._id, ...fieldsOf(input), loggedBy: staffId, revision: 1, history: [] });
  const interview = created.toObject() as Interview;
  await recordTimelineEvent(connection, {
    customerId: customer._id,
    type: 'interview_logged',
    at: now,
    origin: 'staff',
    actor: staffId,
    data: timelineSummary(interview),
  });
  const cause = await causeFromLatestInterview(connection, customer, interview, staffId, now);
  return { interview, ...cause, changed: Object.keys(fieldsOf(input)) as (keyof InterviewFields)[] };
}

/**
 * Replaces an interview's fields, keeping the version it replaces in the history. `revision` is
 * the one the editor started from: if someone saved in between, a ConflictError says so.
 */
export async function editInterview(
  connection: Connection,
  interviewId: string,
  heard: InterviewInput,
  revision: number,
  staffId: string,
  now: Date = new Date(),
): Promise<InterviewOutcome> {
  const current = await findInterview(connection, interviewId);
  if (current.revision !== revision) throw editConflict();
  await checkInterviewer(connection, heard.interviewerId);
  const input = await withCheckedCauses(connection, heard, current);
  const next = fieldsOf(input);
  const changed = (Object.keys(editableFields) as (keyof InterviewFields)[]).filter((field) => !sameValue(current[field], next[field]));
  if (changed.length === 0) return { interview: current, causeSet: false, changed };

  const cleared = changed.filter((field) => next[field] === undefined);
  const updated = await interviewModel(connection)
    .findOneAndUpdate(
      { _id: current._id, revision },
      {
        $set: Object.fromEntries(changed.filter((field) => next[field] !== undefined).map((field) => [field, next[field]])),
        ...(cleared.length > 0 ? { $unset: Object.fromEntries(cleared.map((field) => [field, 1])) } : {}),
        $inc: { revision: 1 },
        $push: { history: { editedBy: staffId, editedAt: now, before: snapshotOf(current) } },
      },
      { returnDocument: 'after' },
    )
    .lean<Interview>()
    .exec();
  if (!updated) throw editConflict();

  await recordTimelineEvent(connection, {
    customerId: current.customerId,
    type: 'interview_edited',
    at: now,
    origin: 'staff',
    actor: staffId,
    data: { ...timelineSummary(updated), fields: changed },
  });
  const causeChanged = changed.some((field) => field === 'primaryCause' || field === 'reasons' || field === 'notes');
  const customer = causeChanged ? await findCustomer(connection, String(current.customerId)) : null;
  const cause = customer ? await causeFromLatestInterview(connection, customer, updated, staffId, now) : { causeSet: false };
  return { interview: updated, ...cause, changed };
}

export async function findInterview(connection: Connection, id: string): Promise<Interview> {
  const interview = Types.ObjectId.isValid(id) ? await interviewModel(connection).findById(id).lean<Interview>().exec() : null;
  if (!interview) throw new NotFoundError('No interview has this id.');
  return interview;
}

/** A customer's interviews, most recent first. */
export async function interviewsOf(connection: Connection, customerId: Types.ObjectId): Promise<Interview[]> {
  return interviewModel(connection).find({ customerId }).sort({ heldOn: -1, createdAt: -1 }).lean<Interview[]>().exec();
}

// ---------------------------------------------------------------------------------------------

/** The fields an edit may change, in the order forms and histories list them. */
const editableFields: Record<keyof InterviewFields, true> = {
  heldOn: true,
  channel: true,
  interviewerId: true,
  notes: true,
  reasons: true,
  primaryCause: true,
  competitor: true,
  likelihoodToReturn: true,
  followUp: true,
};

function fieldsOf(input: InterviewInput): InterviewFields {
  return { ...input, interviewerId: new Types.ObjectId(input.interviewerId) };
}

function snapshotOf(interview: Interview): InterviewFields {
  const snapshot: Partial<InterviewFields> = {};
  for (const field of Object.keys(editableFields) as (keyof InterviewFields)[]) {
    if (interview[field] !== undefined && interview[field] !== null) (snapshot as Record<string, unknown>)[field] = interview[field];
  }
  return snapshot as InterviewFields;
}

async function checkInterviewer(connection: Connection, interviewerId: string): Promise<void> {
  const exists = await staffAccountModel(connection).exists({ _id: new Types.ObjectId(interviewerId) });
  if (!exists) throw new ValidationError([{ field: 'interviewerId', reason: 'interviews:error.interviewer' }]);
}

/**
 * Refuses causes that are unknown or retired (`CauseNotAllowedError`), except those the edited
 * interview already names, and puts the reasons in report order.
 */
async function withCheckedCauses(connection: Connection, input: InterviewInput, current?: Interview): Promise<InterviewInput> {
  const named = [{ field: 'primaryCause', code: input.primaryCause }, ...input.reasons.map((code) => ({ field: 'reasons', code }))];
  const alreadyThere = current ? [...current.reasons, ...(current.primaryCause ? [current.primaryCause] : [])] : [];
  const known = await checkCauses(connection, named, 'assign', { alreadyThere });
  const order = new Map(known.all.map((cause, index) => [cause.code, index]));
  return { ...input, reasons: [...input.reasons].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)) };
}

function editConflict(): ConflictError {
  return new ConflictError('Someone else saved this interview after you opened it.', [{ field: 'revision', reason: 'interviews:error.conflict' }]);
}

/** What the timeline keeps of an interview: enough to read it at a glance, not the notes. */
function timelineSummary(interview: Interview): Record<string, unknown> {
  return {
    interviewId: String(interview._id),
    heldOn: interview.heldOn,
    channel: interview.channel,
    interviewerId: String(interview.interviewerId),
    primaryCause: interview.primaryCause,
    likelihoodToReturn: interview.likelihoodToReturn,
  };
}

/**
 * Sets the customer's cause from `interview` when it is their most recent one and staff have not
 * set the cause by hand; the condition is part of the update, so a staff override that lands at
 * the same moment wins. Without a primary cause the classifier reads the notes (and leaves a
 * cause staff or an interview decided alone).
 */
async function causeFromLatestInterview(
  connection: Connection,
  customer: Customer,
  interview: Interview,
  staffId: string,
  now: Date,
): Promise<Pick<InterviewOutcome, 'causeSet' | 'classified'>> {
  const latest = await interviewModel(connection).findOne({ customerId: customer._id }, { _id: 1 }).sort({ heldOn: -1, createdAt: -1 }).lean().exec();
  if (!latest || String(latest._id) !== String(interview._id)) return { causeSet: false };
  if (!interview.primaryCause) {
    const outcome = await classifyCustomer(connection, customer._id, { text: interview.notes, origin: 'interview', now });
    return outcome.state === 'classified' ? { causeSet: true, classified: outcome.verdict.code } : { causeSet: false };
  }

  const cause: ChurnCause = {
    code: interview.primaryCause,
    secondary: interview.reasons.find((code) => code !== interview.primaryCause),
    confidence: 1,
    source: 'interview',
    reason: interview.notes.slice(0, 2000),
    setBy: staffId,
    setAt: now,
  };
  const result = await customerModel(connection).updateOne({ _id: customer._id, 'cause.source': trusted({ $ne: 'staff' }) }, { $set: { cause } }).exec();
  if (result.matchedCount === 0) return { causeSet: false };

  const before = customer.cause ? { code: customer.cause.code, secondary: customer.cause.secondary, source: customer.cause.source } : null;
  const after = { code: cause.code, secondary: cause.secondary, source: cause.source };
  await recordTimelineEvent(connection, {
    customerId: customer._id,
    type: 'cause_set',
    at: now,
    origin: 'staff',
    actor: staffId,
    data: { ...after, previous: before?.code, interviewId: String(interview._id) },
  });
  await recordAudit(connection, { action: 'customer.cause_from_interview', subjectType: 'customer', subjectId: customer._id, actorId: staffId, at: now, before, after });
  const updated = await findCustomer(connection, String(customer._id));
  await customerEvents(connection).emit('customer.updated', { customer: updated, changed: ['cause'] });
  return { causeSet: true };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Types.ObjectId || b instanceof Types.ObjectId) return String(a) === String(b);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return a === b;
}

/**
 * Bulk re-classification: runs the active classifier again over the customers of a filter,
 * in batches, after a retraining or a threshold change. It only rewrites causes the classifier
 * owns — its own results and imported free text the mapping could not map — never a cause staff
 * or an interview decided, a survey choice the customer ticked, or a cause an import mapped.
 */
import { randomUUID } from 'node:crypto';
import { trusted, type Connection, type Types } from 'mongoose';
import { z } from 'zod';
import { timelineEventModel } from '../customers/customer-event.model';
import { customerModel, type Customer } from '../customers/customer.model';
import { customerStatuses } from '../customers/vocabulary';
import { loadActiveClassifier } from './active-classifier';
import { saveLastReclassify } from './classification-settings.store';
import { classifierCause, decidedByPeople, verdictOn } from './customer-classification.service';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'classification:reclassify.error.date')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'classification:reclassify.error.date');

/** Which customers to re-classify; empty fields mean "any". Form fields arrive as text. */
export const reclassifyFilterSchema = z
  .object({
    status: z.preprocess(emptyAsMissing, z.enum(customerStatuses, { error: 'common:validation.choice' }).optional()),
    churnedFrom: z.preprocess(emptyAsMissing, day.optional()),
    churnedTo: z.preprocess(emptyAsMissing, day.optional()),
  })
  .strip()
  .refine((filter) => !filter.churnedFrom || !filter.churnedTo || filter.churnedFrom <= filter.churnedTo, {
    path: ['churnedTo'],
    message: 'classification:reclassify.error.range',
  });

export type ReclassifyFilter = z.output<typeof reclassifyFilterSchema>;

/** The `classification.reclassify` job's payload: a filter, who asked, and the batch size. */
export const reclassifyJobSchema = z
  .object({
    status: z.enum(customerStatuses).optional(),
    churnedFrom: day.optional(),
    churnedTo: day.optional(),
    requestedBy: z.string().min(1).max(200).optional(),
    batchSize: z.number().int().min(1).max(5000).optional(),
  })
  .strict();

export type ReclassifyJobPayload = z.output<typeof reclassifyJobSchema>;

export interface ReclassifySummary {
  filter: ReclassifyFilter;
  requestedBy?: string;
  startedAt: Date;
  finishedAt: Date;
  /** Customers of the filter with a cause the classifier owns and words to read. */
  examined: number;
  /** Their cause (or its confidence, secondary, review state) changed. */
  changed: number;
  unchanged: number;
  /** Of those examined: now waiting in the review queue. */
  needsReview: number;
  /** Changed by someone else while the batch ran: left as they set it. */
  skipped: number;
  /** Could not be classified or written (logged); the rest of the batch went on. */
  failed: number;
}

/** How many customers a re-classification of this filter would read. */
export async function countReclassifiable(connection: Connection, filter: ReclassifyFilter): Promise<number> {
  return customerModel(connection).countDocuments(reclassifiableQuery(filter)).exec();
}

export async function reclassifyCustomers(
  connection: Connection,
  filter: ReclassifyFilter,
  options: { batchSize?: number; requestedBy?: string; now?: () => Date; onFailure?: (customerId: Types.ObjectId, error: unknown) => void } = {},
): Promise<ReclassifySummary> {
  const now = options.now ?? (() => new Date());
  const summary: ReclassifySummary = { filter, requestedBy: options.requestedBy, startedAt: now(), finishedAt: now(), examined: 0, changed: 0, unchanged: 0, needsReview: 0, skipped: 0, failed: 0 };
  const active = await loadActiveClassifier(connection);
  const customers = customerModel(connection);
  const batchSize = options.batchSize ?? 500;
  let after: Types.ObjectId | undefined;

  for (;;) {
    const query = reclassifiableQuery(filter);
    if (after) query._id = trusted({ $gt: after });
    const batch = await customers.find(query, { cause: 1, locale: 1 }).sort({ _id: 1 }).limit(batchSize).lean<Pick<Customer, '_id' | 'cause' | 'locale'>[]>().exec();
    if (batch.length === 0) break;
    after = batch[batch.length - 1]._id;

    const events: Record<string, unknown>[] = [];
    for (const customer of batch) {
      summary.examined++;
      try {
        const outcome = await reclassifyOne(connection, active, customer, now());
        summary[outcome.result]++;
        if (outcome.needsReview) summary.needsReview++;
        if (outcome.event) events.push(outcome.event);
      } catch (error) {
        summary.failed++;
        options.onFailure?.(customer._id, error);
      }
    }
    if (events.length > 0) await timelineEventModel(connection).insertMany(events, { ordered: false });
  }
  summary.finishedAt = now();
  await saveLastReclassify(connection, summary);
  return summary;
}

// ---------------------------------------------------------------------------------------------

type Reclassifiable = Pick<Customer, '_id' | 'cause' | 'locale'>;

async function reclassifyOne(connection: Connection, active: Awaited<ReturnType<typeof loadActiveClassifier>>, customer: Reclassifiable, at: Date) {
  const previous = customer.cause!;
  const text = (previous.reason ?? '').trim();
  const verdict = verdictOn(active, text, customer.locale);
  const cause = classifierCause(verdict, text, at);
  const needsReview = verdict.needsReview;
  if (sameVerdict(previous, cause)) return { result: 'unchanged' as const, needsReview: previous.needsReview === true };

  // Only while nobody changed the cause since it was read.
  const written = await customerModel(connection)
    .updateOne({ _id: customer._id, 'cause.setAt': previous.setAt, 'cause.source': trusted({ $nin: decidedByPeople }) }, { $set: { cause } })
    .exec();
  if (written.matchedCount === 0) return { result: 'skipped' as const, needsReview: false };
  const event =
    previous.code === cause.code
      ? undefined
      : {
          customerId: customer._id,
          type: 'cause_set',
          at,
          key: `cause_set:${randomUUID()}`,
          origin: 'classifier',
          data: { code: cause.code, previous: previous.code, source: 'classifier', confidence: cause.confidence, needsReview, bulk: true },
        };
  return { result: 'changed' as const, needsReview, event };
}

/** Same cause, secondary, review state, suggestion and confidence: nothing worth a write. */
function sameVerdict(previous: NonNullable<Customer['cause']>, next: NonNullable<Customer['cause']>): boolean {
  return (
    previous.source === next.source &&
    previous.code === next.code &&
    previous.secondary === next.secondary &&
    (previous.needsReview ?? false) === (next.needsReview ?? false) &&
    previous.suggested === next.suggested &&
    previous.confidence === next.confidence
  );
}

function reclassifiableQuery(filter: ReclassifyFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {
    'cause.reason': trusted({ $exists: true, $ne: '' }),
    $or: [{ 'cause.source': 'classifier' }, { 'cause.source': 'import', 'cause.code': trusted({ $exists: false }) }],
  };
  if (filter.status) query.status = filter.status;
  if (filter.churnedFrom || filter.churnedTo) {
    query.churnedAt = trusted({
      ...(filter.churnedFrom ? { $gte: new Date(`${filter.churnedFrom}T00:00:00Z`) } : {}),
      ...(filter.churnedTo ? { $lt: new Date(new Date(`${filter.churnedTo}T00:00:00Z`).getTime() + 86_400_000) } : {}),
    });
  }
  return query;
}

function emptyAsMissing(value: unknown): unknown {
  return value === '' ? undefined : value;
}

/**
 * Where the classifier meets customers: a comment (survey free text, an imported reason,
 * interview notes) becomes the customer's cause with its explanation, unless staff or an
 * interview already decided the cause. An unsure result is stored as `other`, flagged for the
 * review queue with the best guess as the suggestion.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import type { CauseCode } from '../customers/causes';
import { customerModel, type ChurnCause, type Customer } from '../customers/customer.model';
import { customerEvents } from '../customers/domain-events';
import { recordTimelineEvent } from '../customers/timeline.service';
import { responseModel } from '../surveys/response.model';
import type { TextCauseClassifier } from '../surveys/responses.service';
import { loadActiveClassifier, recentActiveClassifier, type ActiveClassifier } from './active-classifier';
import { fallbackCause } from './causes';
import { classifyComment } from './classifier';

/** What the classifier says about one comment, in the customer record's terms. */
export interface ClassifierVerdict {
  code: CauseCode;
  secondary?: CauseCode;
  confidence: number;
  needsReview: boolean;
  /** The best guess while unsure (what the review queue offers to confirm). */
  suggested?: CauseCode;
  explanation: NonNullable<ChurnCause['explanation']>;
}

/** Causes set by people are never replaced by the classifier. */
export const decidedByPeople = ['staff', 'interview'] as const;

/** Longest text kept on the customer as the cause's reason (the record's limit). */
const maxReasonLength = 2000;

/** Classifies one comment; a retired cause (one an older model still predicts) is left to review. */
export function verdictOn(active: ActiveClassifier, text: string, locale?: string): ClassifierVerdict {
  const result = classifyComment(active.classifier, { text, locale: locale === 'zh-CN' ? 'zh-CN' : 'en' });
  const allowed = (cause: string | null | undefined): cause is CauseCode => typeof cause === 'string' && active.allowedCauses.has(cause);
  const sure = !result.needsReview && allowed(result.cause);
  const verdict: ClassifierVerdict = {
    code: sure ? result.cause : fallbackCause,
    confidence: result.confidence,
    needsReview: !sure,
    explanation: result.explanation,
  };
  if (sure && allowed(result.secondary)) verdict.secondary = result.secondary;
  if (!sure && allowed(result.suggestedCause)) verdict.suggested = result.suggestedCause;
  return verdict;
}

/** The cause as stored on the customer for a verdict on `text`. */
export function classifierCause(verdict: ClassifierVerdict, text: string, now: Date): ChurnCause {
  return {
    code: verdict.code,
    ...(verdict.secondary ? { secondary: verdict.secondary } : {}),
    confidence: verdict.confidence,
    source: 'classifier',
    reason: text.slice(0, maxReasonLength),
    setBy: 'classifier',
    setAt: now,
    explanation: verdict.explanation,
    ...(verdict.needsReview ? { needsReview: true } : {}),
    ...(verdict.suggested ? { suggested: verdict.suggested } : {}),
  };
}

/** The hook the public survey pages call for free text when no choice named a cause. */
export function surveyTextClassifier(connection: Connection): TextCauseClassifier {
  return async (text, locale) => {
    if (text.trim() === '') return null;
    return verdictOn(await recentActiveClassifier(connection), text, locale);
  };
}

export type ClassifyCustomerOutcome =
  | { state: 'classified'; verdict: ClassifierVerdict; customer: Customer }
  /** Staff or an interview set the cause: it stays. */
  | { state: 'decided'; customer: Customer }
  /** Nothing to read: no text given, no reason or survey comment stored. */
  | { state: 'no-text'; customer: Customer };

export interface ClassifyCustomerOptions {
  /** The text to read (e.g. interview notes); by default the stored reason or the latest survey comment. */
  text?: string;
  /** Where the text came from, for the timeline (`interview`, `survey`, `staff` …). */
  origin?: string;
  now?: Date;
}

/**
 * Classifies a customer's words and stores the cause, unless staff or an interview set it.
 * Used by interviews (notes without a cause), and by anyone wanting a fresh verdict.
 */
export async function classifyCustomer(connection: Connection, customerId: string | Types.ObjectId, options: ClassifyCustomerOptions = {}): Promise<ClassifyCustomerOutcome> {
  const now = options.now ?? new Date();
  const customer = Types.ObjectId.isValid(customerId) ? await customerModel(connection).findById(customerId).lean<Customer>().exec() : null;
  if (!customer) throw new NotFoundError('No customer has this id.');
  if (isDecidedByPeople(customer.cause)) return { state: 'decided', customer };
  const text = (options.text ?? customer.cause?.reason ?? (await latestSurveyComment(connection, customer._id)) ?? '').trim();
  if (text === '') return { state: 'no-text', customer };

  const verdict = verdictOn(await loadActiveClassifier(connection), text, customer.locale);
  const cause = classifierCause(verdict, text, now);
  const written = await customerModel(connection)
    .findOneAndUpdate({ _id: customer._id, 'cause.source': trusted({ $nin: decidedByPeople }) }, { $set: { cause } }, { returnDocument: 'after' })
    .lean<Customer>()
    .exec();
  // Staff decided in the meantime: their cause stays.
  if (!written) return { state: 'decided', customer: (await customerModel(connection).findById(customer._id).lean<Customer>().exec()) ?? customer };
  await recordTimelineEvent(connection, {
    customerId: customer._id,
    type: 'cause_set',
    at: now,
    origin: 'classifier',
    data: { code: verdict.code, secondary: verdict.secondary, source: 'classifier', confidence: verdict.confidence, needsReview: verdict.needsReview, from: options.origin },
  });
  await customerEvents(connection).emit('customer.classified', { customer: written });
  return { state: 'classified', verdict, customer: written };
}

/**
 * Classifies the free-text reasons an import stored without a cause (a reason the mapping could
 * not map). Called by the importer per batch with the batch's external ids; returns how many
 * customers got a cause.
 */
export async function classifyImportedReasons(connection: Connection, batch: { source: string; externalIds: readonly string[]; now?: Date }): Promise<number> {
  if (batch.externalIds.length === 0) return 0;
  const customers = customerModel(connection);
  const waiting = await customers
    .find(
      { externalId: trusted({ $in: batch.externalIds }), source: batch.source, 'cause.source': 'import', 'cause.code': trusted({ $exists: false }) },
      { 'cause.reason': 1, 'cause.setAt': 1, locale: 1 },
    )
    .lean<Pick<Customer, '_id' | 'cause' | 'locale'>[]>()
    .exec();
  const readable = waiting.filter((customer) => (customer.cause?.reason ?? '').trim() !== '');
  if (readable.length === 0) return 0;

  const active = await loadActiveClassifier(connection);
  const now = batch.now ?? new Date();
  const result = await customers.bulkWrite(
    readable.map((customer) => {
      const text = (customer.cause?.reason ?? '').trim();
      return {
        updateOne: {
          // Still the import's uncoded reason: anything set since wins.
          filter: { _id: customer._id, 'cause.source': 'import', 'cause.code': trusted({ $exists: false }) },
          update: { $set: { cause: classifierCause(verdictOn(active, text, customer.locale), text, now) } },
        },
      };
    }),
    { ordered: false },
  );
  return result.modifiedCount;
}

export function isDecidedByPeople(cause: Pick<ChurnCause, 'source'> | undefined): boolean {
  return cause !== undefined && (decidedByPeople as readonly string[]).includes(cause.source);
}

/** The free text of the customer's latest survey response, if any. */
async function latestSurveyComment(connection: Connection, customerId: Types.ObjectId): Promise<string | undefined> {
  const response = await responseModel(connection).findOne({ customerId }, { answers: 1 }).sort({ submittedAt: -1 }).lean().exec();
  const text = (response?.answers ?? [])
    .map((answer) => answer.text ?? '')
    .filter(Boolean)
    .join('\n');
  return text || undefined;
}

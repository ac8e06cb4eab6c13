/**
 * The one way to describe a list of customers — by status, tier, cause, warning level, owner,
 * tag, source, churn dates or a search prefix — shared by the API list, the CSV export, the
 * staff list and segments. Every filter is backed by an index on the customer model.
 *
 * Causes are checked for their shape here; `checkCustomerFilter` asks the stored taxonomy
 * whether they exist (a retired cause is fine in a filter: old records carry it).
 */
import mongoose, { Types, type Connection } from 'mongoose';
import { z } from 'zod';
import { checkCauses } from '../classification/known-causes';
import { causeCodeSchema } from './causes';
import { customerStatuses, rfmLevels, valueTiers } from './vocabulary';

/** `a,b,c` in a query string (or a repeated parameter) → a checked list. */
function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  return commaList(z.enum(values, { error: `expected one or more of ${values.join(', ')}` }), values.length);
}

/** Most causes one filter may name. */
const maxCausesInFilter = 50;

function commaList<Item extends z.ZodType<string, string>>(item: Item, max: number) {
  return z.preprocess(
    (raw) => (Array.isArray(raw) ? raw.join(',') : raw),
    z
      .string()
      .transform((text) => text.split(',').map((value) => value.trim()).filter((value) => value !== ''))
      .pipe(z.array(item).min(1).max(max)),
  );
}

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'expected a record id (24 hex digits)');
const day = z.iso.date({ error: 'expected a date as YYYY-MM-DD' }).transform((text) => new Date(`${text}T00:00:00Z`));

export const customerFilterSchema = z
  .object({
    status: listOf(customerStatuses).optional(),
    tier: listOf(valueTiers).optional(),
    cause: commaList(causeCodeSchema, maxCausesInFilter).optional(),
    rfmLevel: listOf(rfmLevels).optional(),
    owner: objectId.optional(),
    tag: z.string().trim().min(1).max(100).optional(),
    source: z.string().trim().min(1).max(40).optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().toLowerCase().min(3).max(320).optional(),
    /** Prefix of a name, a name word, an e-mail or an external id; case does not matter. */
    q: z.string().trim().toLowerCase().min(1).max(100).optional(),
    /** Churned on or after this day (UTC). */
    churnedFrom: day.optional(),
    /** Churned before the end of this day (UTC). */
    churnedTo: day.optional(),
  })
  .strict();

export type CustomerFilter = z.infer<typeof customerFilterSchema>;

/** Refuses (`CauseNotAllowedError`, field `cause`) a filter by a cause the taxonomy does not know. */
export async function checkCustomerFilter(connection: Connection, filter: Pick<CustomerFilter, 'cause'>): Promise<void> {
  if (filter.cause) await checkCauses(connection, filter.cause.map((code) => ({ field: 'cause', code })), 'filter');
}

/** The mongoose filter for a checked customer filter; operators are ours, values are checked input. */
export function customerQuery(filter: CustomerFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const anyOf = (values: readonly string[]) => (values.length === 1 ? values[0] : mongoose.trusted({ $in: values }));
  if (filter.status) query.status = anyOf(filter.status);
  if (filter.tier) query['value.tier'] = anyOf(filter.tier);
  if (filter.cause) query['cause.code'] = anyOf(filter.cause);
  if (filter.rfmLevel) query['value.rfm.level'] = anyOf(filter.rfmLevel);
  if (filter.owner) query.ownerId = new Types.ObjectId(filter.owner);
  if (filter.tag) query.tags = filter.tag;
  if (filter.source) query.source = filter.source;
  if (filter.externalId) query.externalId = filter.externalId;
  if (filter.email) query.email = filter.email;
  // A range on the lower-cased keys is a prefix match that an index can answer (no $text here);
  // $elemMatch makes one key satisfy both bounds, not one key each.
  if (filter.q) query.searchKeys = mongoose.trusted({ $elemMatch: mongoose.trusted({ $gte: filter.q, $lt: `${filter.q}\uffff` }) });
  if (filter.churnedFrom || filter.churnedTo) {
    query.churnedAt = mongoose.trusted({
      ...(filter.churnedFrom ? { $gte: filter.churnedFrom } : {}),
      ...(filter.churnedTo ? { $lt: new Date(filter.churnedTo.getTime() + 86_400_000) } : {}),
    });
  }
  return query;
}

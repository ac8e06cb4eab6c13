/**
 * Reading and editing customer records: one by id, a filtered page, a change by staff or the
 * host. Changes go on the timeline, are announced, and the customer's value is recomputed when
 * its revenue changed.
 */
import mongoose, { Types, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import { checkCauses } from '../classification/known-causes';
import { checkCustomerFilter, customerQuery } from './customer-filter';
import { customerModel, searchKeysOf, type Customer } from './customer.model';
import type { CustomerListQuery, CustomerPatch } from './customers.schemas';
import { customerEvents } from './domain-events';
import { recordTimelineEvent } from './timeline.service';
import { recomputeCustomerValue } from './value/value.service';

/** Who made a change: a staff member (by id) or an API key (by name). */
export interface Actor {
  kind: 'staff' | 'api';
  id: string;
}

export interface CustomerPage {
  customers: Customer[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function findCustomer(connection: Connection, id: string): Promise<Customer> {
  const customer = Types.ObjectId.isValid(id) ? await customerModel(connection).findById(id).lean<Customer>().exec() : null;
  if (!customer) throw new NotFoundError('No customer has this id.');
  return customer;
}

export async function findCustomerByReference(connection: Connection, reference: { externalId: string; source: string }): Promise<Customer | null> {
  return customerModel(connection).findOne({ externalId: reference.externalId, source: reference.source }).lean<Customer>().exec();
}

/** One page of customers, newest first; the cursor is the last customer's id. */
export async function listCustomers(connection: Connection, { limit, after, ...filter }: CustomerListQuery): Promise<CustomerPage> {
  await checkCustomerFilter(connection, filter);
  const query = customerQuery(filter);
  if (after) query._id = mongoose.trusted({ $lt: new Types.ObjectId(after) });
  const customers = await customerModel(connection)
    .find(query)
    .sort({ _id: -1 })
    .limit(limit + 1)
    .lean<Customer[]>()
    .exec();
  const more = customers.length > limit;
  const page = more ? customers.slice(0, limit) : customers;
  return { customers: page, nextCursor: more ? String(page[page.length - 1]._id) : null };
}

/** Applies a checked change; returns the customer as stored afterwards. */
export async function updateCustomer(connection: Connection, id: string, patch: CustomerPatch, actor: Actor, now: Date = new Date()): Promise<Customer> {
  const current = await findCustomer(connection, id);
  await checkCauses(
    connection,
    [
      { field: 'cause.code', code: patch.cause?.code },
      { field: 'cause.secondary', code: patch.cause?.secondary },
    ],
    'assign',
  );
  const changes = changesFrom(current, patch, actor, now);
  const changed = Object.keys(changes);
  if (changed.length === 0) return current;

  await customerModel(connection).updateOne({ _id: current._id }, { $set: changes });
  await recordTimelineEvent(connection, {
    customerId: current._id,
    type: patch.cause ? 'cause_set' : 'updated',
    at: now,
    origin: actor.kind,
    actor: actor.id,
    data: { fields: changed.filter((field) => field !== 'searchKeys') },
  });
  const updated = patch.revenue ? await recomputeCustomerValue(connection, current._id, now) : await findCustomer(connection, id);
  await customerEvents(connection).emit('customer.updated', { customer: updated as Customer, changed });
  return updated as Customer;
}

// ---------------------------------------------------------------------------------------------

/** The `$set` for a patch, by dotted path; fields already equal are left out. */
function changesFrom(current: Customer, patch: CustomerPatch, actor: Actor, now: Date): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const set = (path: string, before: unknown, after: unknown) => {
    if (after !== undefined && !sameValue(before, after)) changes[path] = after;
  };
  for (const field of ['name', 'email', 'phone', 'company', 'locale', 'timezone', 'plan', 'signupDate'] as const) set(field, current[field], patch[field]);
  if (patch.tags) set('tags', current.tags, [...new Set(patch.tags)].sort());
  if (patch.ownerId !== undefined) set('ownerId', current.ownerId ? String(current.ownerId) : null, patch.ownerId);
  if ('ownerId' in changes) changes.ownerId = patch.ownerId ? new Types.ObjectId(patch.ownerId) : null;
  for (const [field, value] of Object.entries(patch.revenue ?? {})) set(`revenue.${field}`, current.revenue?.[field as keyof Customer['revenue']], value);
  for (const [field, value] of Object.entries(patch.contact ?? {})) set(`contact.${field}`, current.contact?.[field as 'emailConsent'], value);
  if (patch.contact?.emailConsent === false && current.contact?.emailConsent) changes['contact.unsubscribedAt'] = now;
  if (patch.cause) {
    // Staff and interviews know best: their cause replaces any other with full confidence.
    changes.cause = { confidence: 1, ...patch.cause, source: actor.kind === 'staff' ? 'staff' : 'import', setBy: actor.id, setAt: now };
  }
  if (changes.name !== undefined || changes.email !== undefined) {
    changes.searchKeys = searchKeysOf({ name: patch.name ?? current.name, email: patch.email ?? current.email, externalId: current.externalId });
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/**
 * A customer as the API and exports show it: `id` instead of `_id`, ids as strings, and without
 * the internal search keys.
 */
import type { TimelineEvent } from './customer-event.model';
import type { Customer } from './customer.model';

export type CustomerView = Omit<Customer, '_id' | 'searchKeys' | 'ownerId'> & { id: string; ownerId: string | null };

export function customerView(customer: Customer): CustomerView {
  const { _id, searchKeys: _searchKeys, ownerId, ...rest } = customer;
  return { id: String(_id), ...rest, ownerId: ownerId ? String(ownerId) : null };
}

export interface TimelineEventView {
  id: string;
  type: string;
  at: Date;
  origin: string;
  actor: string | null;
  data: Record<string, unknown>;
}

export function timelineEventView(event: TimelineEvent): TimelineEventView {
  return { id: String(event._id), type: event.type, at: event.at, origin: event.origin, actor: event.actor ?? null, data: event.data };
}

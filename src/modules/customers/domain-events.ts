/**
 * What the customers module announces, for later modules to hook into: surveys invite a
 * customer on churn, webhooks notify on churn, win-back and classification, campaigns attribute a win-back.
 *
 * One bus per database connection, like the models, so apps side by side in tests stay apart.
 * Only live reports (the events API, staff edits, the value job) announce; an import of history
 * does not, so loading last year's churned customers sends nobody a survey.
 */
import type { Connection } from 'mongoose';
import { EventBus } from '../../shared/events/event-bus';
import type { TimelineEvent } from './customer-event.model';
import type { Customer } from './customer.model';
import type { RfmLevel } from './vocabulary';

export interface CustomerDomainEvents {
  /** A customer was lost (cancellation or inactivity), reported live. */
  'customer.churned': { customer: Customer; event: TimelineEvent };
  /** A churned customer came back. */
  'customer.won_back': { customer: Customer; event: TimelineEvent };
  /**
   * A churned customer's cause was set from their survey answers, by the classifier (survey
   * text, interview notes), or by staff in the review queue; `customer.cause` says which.
   * Bulk re-classification and imports announce nothing.
   */
  'customer.classified': { customer: Customer };
  /** The RFM early warning moved an active customer to at risk. */
  'customer.at_risk': { customer: Customer; level: RfmLevel };
  /** Staff or the API changed fields of a customer (their names in `changed`). */
  'customer.updated': { customer: Customer; changed: string[] };
  /** Everything about a customer was erased on request. */
  'customer.erased': { customerId: string };
}

const buses = new WeakMap<Connection, EventBus<CustomerDomainEvents>>();

export function customerEvents(connection: Connection): EventBus<CustomerDomainEvents> {
  let bus = buses.get(connection);
  if (!bus) {
    bus = new EventBus<CustomerDomainEvents>();
    buses.set(connection, bus);
  }
  return bus;
}

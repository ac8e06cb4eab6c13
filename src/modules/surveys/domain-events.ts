/**
 * What the surveys module announces, for other modules to hook into (webhooks notify a host
 * system when a customer answers). One bus per database connection, like customerEvents.
 */
import type { Connection } from 'mongoose';
import { EventBus } from '../../shared/events/event-bus';
import type { Customer } from '../customers/customer.model';
import type { SurveyResponse } from './response.model';

export interface SurveyDomainEvents {
  /** A customer's answers were stored (and the cause they suggest set, where it was). */
  'survey.responded': {
    response: SurveyResponse;
    /** The customer as stored after the answer (null if erased meanwhile), so listeners need not read it again. */
    customer: Customer | null;
  };
}

const buses = new WeakMap<Connection, EventBus<SurveyDomainEvents>>();

export function surveyEvents(connection: Connection): EventBus<SurveyDomainEvents> {
  let bus = buses.get(connection);
  if (!bus) {
    bus = new EventBus<SurveyDomainEvents>();
    buses.set(connection, bus);
  }
  return bus;
}

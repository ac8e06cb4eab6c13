/**
 * Everything held about a customer outside the customer record, one entry per kind of data.
 * Exporting a customer's data reads every source; erasing a customer erases every source, then
 * the record. A module that stores data about customers (interviews, campaign deliveries …)
 * adds its entry here, so nothing is forgotten on an erasure request.
 */
import type { Connection, Model, QueryFilter } from 'mongoose';
import { auditEntriesAbout, eraseAuditEntriesAbout } from '../../../shared/audit/audit-log';
import { outboxModel } from '../../../shared/mail/outbox.model';
import { callTaskModel } from '../../campaigns/call-task.model';
import { deliveryModel } from '../../campaigns/delivery.model';
import { memberModel } from '../../campaigns/member.model';
import { interviewModel } from '../../interviews/interview.model';
import { invitationModel } from '../../surveys/invitation.model';
import { responseModel } from '../../surveys/response.model';
import { timelineEventModel } from '../customer-event.model';
import type { Customer } from '../customer.model';
import { transactionModel } from '../transaction.model';

export interface CustomerDataSource {
  /** The key of this data in the export. */
  name: string;
  export(connection: Connection, customer: Customer): Promise<unknown[]>;
  /** Deletes the data; returns how many records went. */
  erase(connection: Connection, customer: Customer): Promise<number>;
}

/** Data kept by customer id in a collection: the common case. */
function byCustomerId<T>(name: string, model: (connection: Connection) => Model<T>): CustomerDataSource {
  const ofCustomer = (customer: Customer) => ({ customerId: customer._id }) as QueryFilter<T>;
  return {
    name,
    export: (connection, customer) => model(connection).find(ofCustomer(customer)).lean().exec(),
    erase: async (connection, customer) => (await model(connection).deleteMany(ofCustomer(customer))).deletedCount,
  };
}

export const customerDataSources: readonly CustomerDataSource[] = [
  byCustomerId('timeline', timelineEventModel),
  byCustomerId('transactions', transactionModel),
  byCustomerId('surveyInvitations', invitationModel),
  byCustomerId('surveyResponses', responseModel),
  byCustomerId('campaignMemberships', memberModel),
  byCustomerId('campaignDeliveries', deliveryModel),
  byCustomerId('campaignCallTasks', callTaskModel),
  byCustomerId('exitInterviews', interviewModel),
  {
    // Staff comments on cause changes may quote the customer.
    name: 'auditLog',
    export: (connection, customer) => auditEntriesAbout(connection, 'customer', customer._id),
    erase: (connection, customer) => eraseAuditEntriesAbout(connection, 'customer', customer._id),
  },
  {
    // Messages kept in the outbox (no SMTP configured) carry the customer's address and words to them.
    name: 'outboxMessages',
    export: async (connection, customer) => (customer.email ? outboxModel(connection).find({ to: customer.email }).lean().exec() : []),
    erase: async (connection, customer) => (customer.email ? (await outboxModel(connection).deleteMany({ to: customer.email })).deletedCount : 0),
  },
];

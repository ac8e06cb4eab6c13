/**
 * Reacting to other modules: a customer reported churned (events API, staff) is invited to the
 * exit survey after the survey's delay. Imports of history announce nothing, so they invite
 * nobody; bulk invitations are a deliberate staff action instead.
 */
import type { Connection } from 'mongoose';
import { customerEvents } from '../customers/domain-events';
import { inviteCustomer } from './invitations.service';
import { ensureDefaultSurvey } from './surveys.service';

const hooked = new WeakSet<Connection>();

export function inviteOnChurn(connection: Connection): void {
  if (hooked.has(connection)) return;
  hooked.add(connection);
  customerEvents(connection).on('customer.churned', async ({ customer }) => {
    await ensureDefaultSurvey(connection);
    await inviteCustomer(connection, customer._id, { origin: 'churn-event' });
  });
}

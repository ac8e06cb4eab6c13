import { Types } from 'mongoose';
import { recordChurnEvent } from '../../../src/modules/customers/churn-events.service';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { eraseCustomer, exportCustomerData } from '../../../src/modules/customers/privacy/privacy.service';
import { recordTransaction } from '../../../src/modules/customers/transactions.service';
import { memberModel } from '../../../src/modules/campaigns/member.model';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { responseModel } from '../../../src/modules/surveys/response.model';
import { outboxModel } from '../../../src/shared/mail/outbox.model';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;
const actor = { kind: 'api' as const, id: 'test' };

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

/** A churned customer with a transaction, a survey invitation and answer, a campaign membership and a stored e-mail. */
async function customerWithHistory(externalId: string) {
  const email = `${externalId}@example.com`;
  const { customer } = await recordChurnEvent(
    db.connection,
    { eventId: `churn-${externalId}`, customer: { externalId, source: 'crm', name: 'Private Person', email }, at: new Date('2025-04-01T00:00:00Z'), trigger: 'cancellation' },
    actor,
  );
  await recordTransaction(db.connection, { transactionId: `tx-${externalId}`, customer: { externalId, source: 'crm' }, at: new Date('2025-03-01T00:00:00Z'), amount: 20, kind: 'order' });
  const [invitation] = await invitationModel(db.connection).insertMany([
    { customerId: customer._id, surveyKey: 'exit', surveyVersion: 1, status: 'answered', locale: 'en', sendAt: new Date(), expiresAt: new Date(), origin: 'churn-event' },
  ]);
  await responseModel(db.connection).create({ invitationId: invitation._id, customerId: customer._id, surveyKey: 'exit', surveyVersion: 1, locale: 'en', submittedAt: new Date() });
  await memberModel(db.connection).create({ campaignId: new Types.ObjectId(), customerId: customer._id, tier: 'A', cause: 'price', rule: 0, action: 'email', holdout: false });
  await outboxModel(db.connection).create({ messageId: `<${externalId}@test>`, from: 'crm@example.com', to: email, subject: 'Why did you leave?', html: '<p>Hi</p>', text: 'Hi', category: 'survey.invitation' });
  return customer;
}

describe('exporting a customer', () => {
  it('when everything held about a customer is exported, then the record and every data source are in it', async () => {
    const customer = await customerWithHistory('export-me');

    const exported = await exportCustomerData(db.connection, String(customer._id));

    expect(exported.customer).toMatchObject({ id: String(customer._id), email: 'export-me@example.com' });
    expect(Object.fromEntries(Object.entries(exported.data).map(([name, records]) => [name, records.length]))).toEqual({
      timeline: 1,
      transactions: 1,
      surveyInvitations: 1,
      surveyResponses: 1,
      campaignMemberships: 1,
      campaignDeliveries: 0,
      campaignCallTasks: 0,
      exitInterviews: 0,
      auditLog: 0,
      outboxMessages: 1,
    });
    expect(JSON.parse(JSON.stringify(exported)).data.outboxMessages[0].subject).toBe('Why did you leave?');
  });
});

describe('erasing a customer', () => {
  it('when a customer is erased, then the record and all their data are gone, others are untouched, and the erasure is announced', async () => {
    const doomed = await customerWithHistory('erase-me');
    const kept = await customerWithHistory('keep-me');
    const announced: string[] = [];
    customerEvents(db.connection).on('customer.erased', ({ customerId }) => void announced.push(customerId));

    const receipt = await eraseCustomer(db.connection, String(doomed._id));

    expect(receipt.deleted).toEqual({
      timeline: 1,
      transactions: 1,
      surveyInvitations: 1,
      surveyResponses: 1,
      campaignMemberships: 1,
      campaignDeliveries: 0,
      campaignCallTasks: 0,
      exitInterviews: 0,
      auditLog: 0,
      outboxMessages: 1,
      customer: 1,
    });
    expect(JSON.stringify(receipt)).not.toContain('erase-me');
    const left = await Promise.all(
      ['customers', 'customer_events', 'transactions', 'survey_invitations', 'survey_responses'].map((name) =>
        db.connection.collection(name).countDocuments({ [name === 'customers' ? '_id' : 'customerId']: doomed._id }),
      ),
    );
    expect(left).toEqual([0, 0, 0, 0, 0]);
    expect(await outboxModel(db.connection).countDocuments({ to: 'erase-me@example.com' })).toBe(0);
    expect((await exportCustomerData(db.connection, String(kept._id))).data.timeline).toHaveLength(1);
    expect(announced).toEqual([String(doomed._id)]);
  });

  it('when the customer is unknown, then erasing fails with not found and deletes nothing', async () => {
    const before = await customerModel(db.connection).countDocuments();

    await expect(eraseCustomer(db.connection, String(new Types.ObjectId()))).rejects.toMatchObject({ httpStatus: 404 });
    expect(await customerModel(db.connection).countDocuments()).toBe(before);
  });
});

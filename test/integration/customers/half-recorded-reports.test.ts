/**
 * Reports whose first request died half-way (the database went away after the timeline event
 * was written, as the database kill test provokes): the database is arranged in the state such
 * a request leaves behind, then the host sends the same report again.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { createApiKey } from '../../../src/modules/accounts/accounts.service';
import { reportLeaseMs } from '../../../src/modules/customers/churn-events.service';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { startTestApp } from '../../helpers/app';

let db: TestDatabase;
let app: ListeningApp;
let apiKey: string;
const announced: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  apiKey = (await createApiKey(db.connection, { name: 'host crm', scopes: ['events:write'] })).token;
  customerEvents(db.connection).on('customer.churned', ({ customer }) => void announced.push(`churned ${customer.externalId}`));
  customerEvents(db.connection).on('customer.won_back', ({ customer }) => void announced.push(`won back ${customer.externalId}`));
});

afterAll(async () => {
  await app.close();
  await db.close();
});

const at = '2026-03-01T10:00:00.000Z';
const longAgo = new Date(Date.now() - reportLeaseMs - 60_000);

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read by the test
  const response = await fetch(`${app.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The timeline event a report's first request wrote before it died. */
async function leftBehindEvent(type: 'churned' | 'reactivated', eventId: string, customerId: Types.ObjectId, createdAt: Date, data: Record<string, unknown> = {}, eventAt = at) {
  await db.connection.collection('customer_events').insertOne({ customerId, type, at: new Date(eventAt), key: `${type}:crm:${eventId}`, origin: 'api', actor: 'host crm', data: { eventId, ...data }, createdAt });
}

const stored = (externalId: string) => customerModel(db.connection).findOne({ externalId }).lean<Customer>().exec();
const eventsOf = (key: string) => db.connection.collection('customer_events').countDocuments({ key });

describe('a churn report sent again after its first request died', () => {
  it('when only the event was written, then the second copy creates the churned customer and announces it once', async () => {
    const eventId = `evt-${randomUUID()}`;
    const externalId = `half-${randomUUID()}`;
    const customerId = new Types.ObjectId();
    await leftBehindEvent('churned', eventId, customerId, longAgo, { trigger: 'cancellation', alreadyChurned: false });
    const report = { eventId, customer: { externalId, name: 'Half Recorded' }, at, trigger: 'cancellation' };

    const second = await post('/churn-events', report);
    const third = await post('/churn-events', report);

    expect([second.status, second.body.duplicate, third.status, third.body.duplicate]).toEqual([201, false, 200, true]);
    expect(await stored(externalId)).toMatchObject({ _id: customerId, status: 'churned', churnedAt: new Date(at), churns: [{ at: new Date(at) }] });
    expect(await eventsOf(`churned:crm:${eventId}`)).toBe(1);
    expect(announced.filter((line) => line === `churned ${externalId}`)).toHaveLength(1);
  });

  it('when the event and the customer were written but not the churn, then the second copy applies the churn', async () => {
    const eventId = `evt-${randomUUID()}`;
    const externalId = `half-${randomUUID()}`;
    const customer = await customerModel(db.connection).create({ externalId, source: 'crm', name: 'Half Churned', status: 'active', contact: { emailConsent: false, doNotContact: false } });
    await leftBehindEvent('churned', eventId, customer._id, longAgo, { trigger: 'cancellation', alreadyChurned: false });

    const second = await post('/churn-events', { eventId, customer: { externalId, name: 'Half Churned' }, at, trigger: 'cancellation' });

    expect(second.status).toBe(201);
    expect(await stored(externalId)).toMatchObject({ status: 'churned', churns: [{ at: new Date(at) }] });
    expect(announced.filter((line) => line === `churned ${externalId}`)).toHaveLength(1);
  });

  it('when the first request may still be working on it, then a copy is told to send it again shortly and changes nothing', async () => {
    const eventId = `evt-${randomUUID()}`;
    const externalId = `half-${randomUUID()}`;
    await leftBehindEvent('churned', eventId, new Types.ObjectId(), new Date(), { trigger: 'cancellation', alreadyChurned: false });

    const copy = await post('/churn-events', { eventId, customer: { externalId, name: 'In Flight' }, at, trigger: 'cancellation' });

    expect([copy.status, copy.body.error.code]).toEqual([409, 'report_in_progress']);
    expect(await stored(externalId)).toBeNull();
  });
});

describe('a reactivation sent again after its first request died', () => {
  it('when only the event was written, then the second copy brings the customer back', async () => {
    const externalId = `half-${randomUUID()}`;
    expect((await post('/churn-events', { eventId: `evt-${randomUUID()}`, customer: { externalId, name: 'Comes Back' }, at, trigger: 'cancellation' })).status).toBe(201);
    const customer = (await stored(externalId))!;
    const eventId = `evt-${randomUUID()}`;
    const returnedAt = '2026-04-01T10:00:00.000Z';
    await leftBehindEvent('reactivated', eventId, customer._id, longAgo, {}, returnedAt);

    const second = await post('/reactivations', { eventId, customer: { externalId }, at: returnedAt });
    const third = await post('/reactivations', { eventId, customer: { externalId }, at: returnedAt });

    expect([second.status, third.status, third.body.duplicate]).toEqual([201, 200, true]);
    expect(await stored(externalId)).toMatchObject({ status: 'won_back', wonBackAt: new Date(returnedAt), churns: [{ at: new Date(at), wonBackAt: new Date(returnedAt) }] });
    expect(announced.filter((line) => line === `won back ${externalId}`)).toHaveLength(1);
  });
});

describe('a transaction sent again after its first request died', () => {
  it('when the transaction was stored but the customer not updated, then the second copy updates the customer and stores nothing twice', async () => {
    const externalId = `half-${randomUUID()}`;
    expect((await post('/churn-events', { eventId: `evt-${randomUUID()}`, customer: { externalId, name: 'Buyer' }, at, trigger: 'cancellation' })).status).toBe(201);
    const customer = (await stored(externalId))!;
    const transactionId = `tx-${randomUUID()}`;
    const boughtAt = new Date('2026-02-01T10:00:00.000Z');
    await db.connection.collection('transactions').insertOne({ customerId: customer._id, transactionId, kind: 'order', at: boughtAt, amount: 30, createdAt: longAgo });

    const second = await post('/transactions', { transactionId, customer: { externalId }, at: boughtAt.toISOString(), amount: 30 });

    expect([second.status, second.body.duplicate]).toEqual([200, true]);
    expect((await stored(externalId))?.lastTransactionAt).toEqual(boughtAt);
    expect(await db.connection.collection('transactions').countDocuments({ transactionId })).toBe(1);
  });
});

import mongoose, { Types } from 'mongoose';
import { recomputeValueJob } from '../../../jobs/registry';
import { createScheduler, type Scheduler } from '../../../jobs/scheduler';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { customerEvents } from '../../../src/modules/customers/domain-events';
import { transactionModel } from '../../../src/modules/customers/transaction.model';
import { saveValueSettings } from '../../../src/modules/customers/value/value-settings.store';
import { tierFor } from '../../../src/modules/customers/value/value';
import { recomputeAllValues, recomputeCustomerValue, retierCustomers } from '../../../src/modules/customers/value/value.service';
import { createLogger } from '../../../src/shared/logging';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { waitFor } from '../../helpers/wait';

const day = 86_400_000;
const now = new Date('2025-06-30T00:00:00Z');

async function withDatabase(run: (db: TestDatabase) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  try {
    await run(db);
  } finally {
    await db.close();
  }
}

function createCustomers(db: TestDatabase, monthlyRevenues: number[], prefix: string) {
  return customerModel(db.connection).insertMany(
    monthlyRevenues.map((monthly, i) => ({ source: 'crm', externalId: `${prefix}-${i}`, revenue: { monthly, tenureMonths: 12 } })),
  );
}

async function tiersOf(db: TestDatabase): Promise<Record<string, string | undefined>> {
  const customers = await customerModel(db.connection).find().lean<Customer[]>();
  return Object.fromEntries(customers.map((customer) => [customer.externalId, customer.value?.tier]));
}

describe('recomputing values', () => {
  it('when 20 customers are recomputed with quantile tiers, then 1 is VIP, 3 A, 6 B, 6 C, 4 D; a second run writes nothing', () =>
    withDatabase(async (db) => {
      await createCustomers(db, Array.from({ length: 20 }, (_, i) => (i + 1) * 10), 'q');

      const first = await recomputeAllValues(db.connection, { now, batchSize: 7 });
      const tiers = Object.values(await tiersOf(db));
      const counts = Object.fromEntries(['VIP', 'A', 'B', 'C', 'D'].map((tier) => [tier, tiers.filter((t) => t === tier).length]));
      const second = await recomputeAllValues(db.connection, { now: new Date(now.getTime() + day), batchSize: 7 });

      expect(first).toMatchObject({ customers: 20, changed: 20 });
      expect(counts).toEqual({ VIP: 1, A: 3, B: 6, C: 6, D: 4 });
      expect(second.changed).toBe(0);
    }));

  it('when the admin switches to absolute thresholds, then tiers follow the thresholds', () =>
    withDatabase(async (db) => {
      // CLV at the defaults: 12 × monthly × (1 − 1.1^−5) / 0.1 for 1 year stayed + 4 to come.
      await createCustomers(db, [500, 100, 10], 'abs');
      await saveValueSettings(db.connection, { tiers: { mode: 'absolute', thresholds: { VIP: 20_000, A: 4_000, B: 2_000, C: 500 } } });

      await recomputeAllValues(db.connection, { now });

      expect(await tiersOf(db)).toEqual({ 'abs-0': 'VIP', 'abs-1': 'A', 'abs-2': 'D' });
      const top = await customerModel(db.connection).findOne({ externalId: 'abs-0' }).lean<Customer>();
      expect(top?.value?.clv).toBeCloseTo((6000 * (1 - Math.pow(1.1, -5))) / 0.1, 2);
    }));

  it('when an active customer buys half as often as the month before, then it turns at risk, on the timeline and announced', () =>
    withDatabase(async (db) => {
      const [customer] = await createCustomers(db, [50], 'rfm');
      const last = new Date(now.getTime() - 2 * day);
      await transactionModel(db.connection).insertMany([
        { customerId: customer._id, transactionId: 'rfm-1', at: last, amount: 40 },
        ...[35, 36, 37, 38].map((age, i) => ({ customerId: customer._id, transactionId: `rfm-old-${i}`, at: new Date(last.getTime() - age * day), amount: 40 })),
      ]);
      await customerModel(db.connection).updateOne({ _id: customer._id }, { $set: { lastTransactionAt: last } });
      const announced: string[] = [];
      customerEvents(db.connection).on('customer.at_risk', ({ customer: atRisk, level }) => {
        announced.push(`${atRisk.externalId}:${level}`);
      });

      const updated = await recomputeCustomerValue(db.connection, customer._id, now);

      expect(updated?.value?.rfm).toEqual({ recencyDays: 2, frequencyChange: -0.75, monetaryChange: -0.75, level: 'red' });
      expect(updated?.status).toBe('at_risk');
      expect(announced).toEqual(['rfm-0:red']);
      const timeline = await timelineEventModel(db.connection).find({ customerId: customer._id }).lean();
      expect(timeline).toEqual([expect.objectContaining({ type: 'status_changed', data: { from: 'active', to: 'at_risk', rfmLevel: 'red' } })]);
    }));

  it('when tiers are re-cut after an import, then every customer gets the tier tierFor gives its CLV, ties, zeros and negatives included', () =>
    withDatabase(async (db) => {
      const clvs = [0, -50, 0.01, 5, 5, 5, 12.5, 40, 40, 99, 100, 250, 250, 1000, 3000, ...Array.from({ length: 25 }, (_, i) => (i * 37) % 500)];
      await customerModel(db.connection).insertMany(
        clvs.map((clv, i) => ({ source: 'crm', externalId: `t-${i}`, value: { clv, tier: 'A', rfm: { level: 'none' }, computedAt: now } })),
      );

      const cuts = await retierCustomers(db.connection, now);

      const stored = await customerModel(db.connection).find().lean<Customer[]>();
      expect(stored.map((customer) => [customer.value?.clv, customer.value?.tier])).toEqual(stored.map((customer) => [customer.value?.clv, tierFor(customer.value!.clv, cuts!)]));
      expect(new Set(stored.map((customer) => customer.value?.tier))).toEqual(new Set(['VIP', 'A', 'B', 'C', 'D']));
    }));

  it('when the customer is unknown, then recomputing one returns null and writes nothing', () =>
    withDatabase(async (db) => {
      await expect(recomputeCustomerValue(db.connection, new Types.ObjectId(), now)).resolves.toBeNull();
      expect(await customerModel(db.connection).countDocuments()).toBe(0);
    }));
});

describe('the customers.recompute-value job', () => {
  let db: TestDatabase;
  let scheduler: Scheduler;

  beforeAll(async () => {
    db = await createTestDatabase();
    scheduler = await createScheduler({
      connection: db.connection,
      logger: createLogger({ level: 'silent' }),
      workerId: 'value-test',
      processEveryMs: 100,
      jobs: [recomputeValueJob],
      lockLifetimeOverrideMs: 1000,
    });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler.stop();
    await db.close();
  });

  it('when the job is queued for one customer, then a worker computes that customer value', async () => {
    const [customer] = await createCustomers(db, [80], 'job');

    await scheduler.now('customers.recompute-value', { customerId: String(customer._id) });

    const computed = await waitFor(() => customerModel(db.connection).findOne({ _id: customer._id, 'value.clv': mongoose.trusted({ $gt: 0 }) }).lean(), { what: 'the value' });
    expect(computed.value?.tier).toBe('VIP');
  });

  it('when the job gets a malformed customer id, then it fails with a readable reason', async () => {
    const id = await scheduler.now('customers.recompute-value', { customerId: 'nope' });

    const failed = await waitFor(async () => {
      const job = await db.connection.collection('agendaJobs').findOne({ _id: new Types.ObjectId(id) });
      return job?.failReason ? job : null;
    });
    expect(failed.failReason).toBe('invalid payload: field customerId: expected a customer id (24 hex digits)');
  });
});

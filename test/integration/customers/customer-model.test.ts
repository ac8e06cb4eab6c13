import { customerModel, searchKeysOf } from '../../../src/modules/customers/customer.model';
import { timelineEventModel } from '../../../src/modules/customers/customer-event.model';
import { transactionModel } from '../../../src/modules/customers/transaction.model';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await Promise.all([customerModel(db.connection).init(), timelineEventModel(db.connection).init(), transactionModel(db.connection).init()]);
});

afterAll(async () => {
  await db.close();
});

describe('the customer record', () => {
  it('when a customer is saved, then the email is lower-cased and the defaults are filled in', async () => {
    const saved = await customerModel(db.connection).create({ source: 'crm', externalId: 'model-1', email: '  Ada@Example.COM ' });

    const stored = await customerModel(db.connection).findById(saved._id).lean();
    expect(stored).toMatchObject({ email: 'ada@example.com', status: 'active', locale: 'en', tags: [], churns: [] });
    expect(stored?.contact).toEqual({ emailConsent: false, doNotContact: false });
    expect(stored?.searchKeys).toEqual(['ada@example.com', 'model-1']);
  });

  it('when two customers share a source and external id, then the second is refused; another source is fine', async () => {
    const customers = customerModel(db.connection);
    await customers.create({ source: 'crm', externalId: 'model-2' });

    await expect(customers.create({ source: 'crm', externalId: 'model-2' })).rejects.toMatchObject({ code: 11000 });
    await expect(customers.create({ source: 'telco', externalId: 'model-2' })).resolves.toBeDefined();
  });

  // Which causes exist is the stored taxonomy's business (admins add causes); the model checks a code's shape.
  it('when a status or tier is outside the vocabulary, or a cause is not shaped like a code, then validation refuses it', async () => {
    const customer = new (customerModel(db.connection))({
      source: 'crm',
      externalId: 'model-3',
      status: 'gone',
      value: { clv: 1, tier: 'Z', computedAt: new Date() },
      cause: { code: 'Bad weather!', source: 'staff', setAt: new Date() },
    });

    const error = await customer.validate().catch((invalid: { errors: Record<string, unknown> }) => invalid);
    expect(Object.keys(error?.errors ?? {}).sort()).toEqual(['cause.code', 'status', 'value.tier']);
  });

  it('when the indexes are listed, then every filter the lists and segments use has one', async () => {
    const indexes = await db.connection.collection('customers').listIndexes().toArray();
    const keys = indexes.map((index) => Object.keys(index.key).join('+'));

    expect(keys).toEqual(
      expect.arrayContaining([
        'externalId+source',
        'status+churnedAt',
        'value.tier+status',
        'cause.code+status',
        'value.rfm.level+status',
        'ownerId+status',
        'email',
        'searchKeys',
      ]),
    );
    expect(indexes.find((index) => index.name === 'externalId_1_source_1')?.unique).toBe(true);
    const eventIndexes = await db.connection.collection('customer_events').listIndexes().toArray();
    expect(eventIndexes.map((index) => Object.keys(index.key).join('+'))).toEqual(expect.arrayContaining(['key', 'customerId+at']));
  });
});

describe('search keys', () => {
  it('when a customer has a two-word name, then each word, the full name, the email and the id are keys, lower-cased', () => {
    expect(searchKeysOf({ name: 'Ada Lovelace', email: 'Ada@Example.com', externalId: 'C-1' })).toEqual([
      'ada',
      'ada lovelace',
      'ada@example.com',
      'c-1',
      'lovelace',
    ]);
  });
});

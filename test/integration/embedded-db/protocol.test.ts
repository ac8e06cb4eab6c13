/** Protocol-level behaviour seen through the real driver: errors, unacknowledged writes, plans. */
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let target: TestDatabase;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => target.close());

test('when an unknown command is sent, then the server answers CommandNotFound (code 59)', async () => {
  await expect(target.connection.db!.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound' });
});

test('when a write is unacknowledged (w:0, moreToCome), then no reply is awaited and the write still lands', async () => {
  const notes = target.connection.db!.collection('notes_w0');
  await notes.insertOne({ text: 'fire and forget' }, { writeConcern: { w: 0 } });
  // The next command on the same connection is answered after the unacknowledged one ran.
  expect(await notes.countDocuments({ text: 'fire and forget' })).toBe(1);
});

test('when a query filters on an indexed field, then explain shows an index scan', async () => {
  const customers = target.connection.db!.collection('customers_explain');
  await customers.createIndex({ email: 1 });
  await customers.insertMany([{ email: 'a@x.io' }, { email: 'b@x.io' }]);
  const plan = await customers.find({ email: 'a@x.io' }).explain();
  expect(JSON.stringify(plan.queryPlanner.winningPlan)).toContain('IXSCAN');
});

test('when a unique index is created over existing duplicates, then it fails and leaves no index behind', async () => {
  const tags = target.connection.db!.collection('tags_dup');
  await tags.insertMany([{ code: 'a' }, { code: 'a' }]);
  await expect(tags.createIndex({ code: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
  expect((await tags.indexes()).map((index) => index.name)).toEqual(['_id_']);
});

test('when a partial unique index applies only to some documents, then only those must be unique', async () => {
  const users = target.connection.db!.collection('users_partial');
  await users.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
  await users.insertMany([{ email: 'a@x.io', active: false }, { email: 'a@x.io', active: true }]);
  await expect(users.insertOne({ email: 'a@x.io', active: true })).rejects.toMatchObject({ code: 11000 });
});

test('when a sparse unique index meets documents without the field, then they do not collide', async () => {
  const leads = target.connection.db!.collection('leads_sparse');
  await leads.createIndex({ phone: 1 }, { unique: true, sparse: true });
  await leads.insertMany([{ name: 'a' }, { name: 'b' }]);
  await expect(leads.insertOne({ name: 'c', phone: '1' })).resolves.toBeTruthy();
  await expect(leads.insertOne({ name: 'd', phone: '1' })).rejects.toMatchObject({ code: 11000 });
});

test('when an update would break a unique index, then that document is left unchanged', async () => {
  const accounts = target.connection.db!.collection('accounts_update');
  await accounts.createIndex({ email: 1 }, { unique: true });
  await accounts.insertMany([{ email: 'a@x.io', n: 1 }, { email: 'b@x.io', n: 2 }]);
  await expect(accounts.updateOne({ email: 'b@x.io' }, { $set: { email: 'a@x.io', n: 3 } })).rejects.toMatchObject({ code: 11000 });
  expect(await accounts.findOne({ email: 'b@x.io' }, { projection: { _id: 0 } })).toEqual({ email: 'b@x.io', n: 2 });
});

test('when documents are counted through an index, with skip and limit, or with nothing matching, then countDocuments answers as mongod does', async () => {
  const deliveries = target.connection.db!.collection('deliveries_count');
  await deliveries.createIndex({ campaignId: 1, state: 1 });
  await deliveries.insertMany([
    ...Array.from({ length: 7 }, (_, i) => ({ campaignId: 'c1', state: 'pending', i })),
    ...Array.from({ length: 3 }, (_, i) => ({ campaignId: 'c1', state: 'sent', i })),
  ]);
  expect(await deliveries.countDocuments({ campaignId: 'c1', state: { $in: ['pending', 'sending'] } })).toBe(7);
  expect(await deliveries.countDocuments({ campaignId: 'c1', state: 'pending', i: { $gte: 5 } })).toBe(2);
  expect(await deliveries.countDocuments({ campaignId: 'c1' }, { skip: 2, limit: 5 })).toBe(5);
  expect(await deliveries.countDocuments({ campaignId: 'c2' })).toBe(0);
  const grouped = await deliveries.aggregate([{ $match: { campaignId: 'c1' } }, { $group: { _id: '$state', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
  expect(grouped).toEqual([{ _id: 'pending', n: 7 }, { _id: 'sent', n: 3 }]);
});

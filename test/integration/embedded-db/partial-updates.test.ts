/**
 * Operator updates copy only the top-level fields they name and re-key only the indexes over
 * the paths they changed: these check that the shortcut never leaves an index or a stored
 * document stale, through the real driver.
 */
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let target: TestDatabase;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => target.close());

test('when a nested field under an indexed path is replaced by a $set of its parent, then lookups by the old value miss and by the new value hit', async () => {
  const people = target.connection.db!.collection('people_parent_set');
  await people.createIndex({ 'contact.email': 1 }, { unique: true });
  await people.insertOne({ name: 'Ana', contact: { email: 'old@x.io', phone: '1' } });
  await people.updateOne({ name: 'Ana' }, { $set: { contact: { email: 'new@x.io' } } });
  expect(await people.countDocuments({ 'contact.email': 'old@x.io' })).toBe(0);
  expect(await people.countDocuments({ 'contact.email': 'new@x.io' })).toBe(1);
  // The old key was released: another document may take it now.
  await expect(people.insertOne({ name: 'Bo', contact: { email: 'old@x.io' } })).resolves.toBeDefined();
});

test('when an update changes a field no index covers, then every index still finds the document', async () => {
  const customers = target.connection.db!.collection('customers_unrelated_update');
  await customers.createIndex({ status: 1, tier: 1 });
  await customers.createIndex({ tags: 1 });
  await customers.insertOne({ status: 'churned', tier: 'A', tags: ['x'], engagement: { holdouts: [] } });
  await customers.updateOne({ status: 'churned' }, { $addToSet: { 'engagement.holdouts': 'c1' } });
  expect(await customers.countDocuments({ status: 'churned', tier: 'A' })).toBe(1);
  expect(await customers.countDocuments({ tags: 'x' })).toBe(1);
  expect(await customers.findOne({ tags: 'x' })).toMatchObject({ engagement: { holdouts: ['c1'] } });
});

test('when a positional update changes an indexed array element, then the index follows it', async () => {
  const orders = target.connection.db!.collection('orders_positional');
  await orders.createIndex({ 'items.sku': 1 });
  await orders.insertOne({ _id: 'o1' as never, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] });
  await orders.updateOne({ 'items.sku': 'b' }, { $set: { 'items.$.sku': 'c' } });
  expect(await orders.countDocuments({ 'items.sku': 'b' })).toBe(0);
  expect(await orders.countDocuments({ 'items.sku': 'c' })).toBe(1);
});

test('when a $rename moves a value into an indexed field, then the index sees it', async () => {
  const notes = target.connection.db!.collection('notes_rename');
  await notes.createIndex({ code: 1 });
  await notes.insertOne({ draftCode: 'k1' });
  await notes.updateOne({ draftCode: 'k1' }, { $rename: { draftCode: 'code' } });
  expect(await notes.countDocuments({ code: 'k1' })).toBe(1);
});

test('when an update fails half-way (a duplicate key), then the stored document is unchanged, nested fields included', async () => {
  const accounts = target.connection.db!.collection<{ email: string; profile: { name: string; tags: string[] } }>('accounts_failed_update');
  await accounts.createIndex({ email: 1 }, { unique: true });
  await accounts.insertMany([{ email: 'a@x.io', profile: { name: 'A', tags: ['t'] } }, { email: 'b@x.io', profile: { name: 'B', tags: [] } }]);
  await expect(accounts.updateOne({ email: 'b@x.io' }, { $set: { email: 'a@x.io' }, $push: { 'profile.tags': 'new' } })).rejects.toMatchObject({ code: 11000 });
  expect(await accounts.findOne({ email: 'b@x.io' }, { projection: { _id: 0 } })).toEqual({ email: 'b@x.io', profile: { name: 'B', tags: [] } });
});

test('when two updates touch different nested fields in turn, then both land and the first result is not mutated by the second', async () => {
  const items = target.connection.db!.collection('items_two_updates');
  await items.insertOne({ key: 'k', a: { x: 1 }, b: { y: 1 } });
  const first = await items.findOneAndUpdate({ key: 'k' }, { $inc: { 'a.x': 1 } }, { returnDocument: 'after' });
  await items.updateOne({ key: 'k' }, { $inc: { 'b.y': 5 } });
  expect(first).toMatchObject({ a: { x: 2 }, b: { y: 1 } });
  expect(await items.findOne({ key: 'k' })).toMatchObject({ a: { x: 2 }, b: { y: 6 } });
});

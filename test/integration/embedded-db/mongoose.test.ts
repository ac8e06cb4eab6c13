/**
 * The real mongoose 9 against the target server: what the product's models rely on.
 * The app runs mongoose with sanitizeFilter on, so query operators are marked trusted() as in app code.
 */
import { Schema, Types, trusted } from 'mongoose';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let target: TestDatabase;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => target.close());

function model<T>(name: string, schema: Schema<T>) {
  return target.connection.model<T>(`${name}_${Math.random().toString(36).slice(2, 8)}`, schema);
}

describe('mongoose 9 compatibility', () => {
  test('when a unique field is inserted twice, then mongoose surfaces MongoServerError 11000 with keyPattern and keyValue', async () => {
    const Account = model('Account', new Schema({ email: { type: String, unique: true, required: true } }));
    await Account.init();
    await Account.create({ email: 'ana@example.com' });
    const error = await Account.create({ email: 'ana@example.com' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MongoServerError', code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'ana@example.com' } });
    expect(String((error as Error).message)).toMatch(/^E11000 duplicate key error/);
    expect(await Account.countDocuments()).toBe(1);
  });

  test('when documents are created, then find sorts, skips, limits and selects fields', async () => {
    const Customer = model('Customer', new Schema({ name: String, revenue: Number, tier: String }));
    await Customer.create([
      { name: 'a', revenue: 10, tier: 'C' },
      { name: 'b', revenue: 50, tier: 'A' },
      { name: 'c', revenue: 30, tier: 'B' },
      { name: 'd', revenue: 40, tier: 'B' },
    ]);
    const page = await Customer.find({ revenue: trusted({ $gte: 20 }) }).sort({ revenue: -1 }).skip(1).limit(2).select('name -_id').lean();
    expect(page).toEqual([{ name: 'd' }, { name: 'c' }]);
    const byId = await Customer.findById((await Customer.findOne({ name: 'b' }))!._id).lean();
    expect(byId?.tier).toBe('A');
  });

  test('when update operators are applied, then $set/$inc/$push/$pull/$addToSet/$unset/$min behave as on mongod', async () => {
    const Profile = model('Profile', new Schema({ n: Number, tags: [String], note: String, low: Number }, { strict: false }));
    const { _id } = await Profile.create({ n: 1, tags: ['a', 'b'], note: 'x', low: 5 });
    await Profile.updateOne({ _id }, { $inc: { n: 2 }, $push: { tags: 'c' }, $unset: { note: 1 }, $min: { low: 3 } });
    await Profile.updateOne({ _id }, { $pull: { tags: 'a' } });
    await Profile.updateOne({ _id }, { $addToSet: { tags: 'b' } });
    // Two operators on one path conflict on mongod too.
    await expect(Profile.updateOne({ _id }, { $pull: { tags: 'b' }, $push: { tags: 'd' } })).rejects.toMatchObject({ code: expect.any(Number) });
    const doc = await Profile.findById(_id).lean();
    expect(doc).toMatchObject({ n: 3, tags: ['b', 'c'], low: 3 });
    expect(doc).not.toHaveProperty('note');
  });

  test('when arrayFilters and the positional operator are used, then only the matching elements change', async () => {
    const Survey = model('Survey', new Schema({ answers: [{ q: String, score: Number }], grades: [Number] }));
    const { _id } = await Survey.create({ answers: [{ q: 'a', score: 1 }, { q: 'b', score: 2 }], grades: [1, 2, 3] });
    await Survey.updateOne({ _id }, { $set: { 'answers.$[el].score': 9 } }, { arrayFilters: [{ 'el.q': 'b' }] });
    await Survey.updateOne({ _id, grades: 2 }, { $set: { 'grades.$': 20 } });
    const doc = await Survey.findById(_id).lean();
    expect(doc!.answers.map((a: { score: number }) => a.score)).toEqual([1, 9]);
    expect(doc!.grades).toEqual([1, 20, 3]);
  });

  test('when an upsert matches nothing, then the document is seeded from the query and $setOnInsert applies only on insert', async () => {
    const Counter = model('Counter', new Schema({ key: String, hits: Number, createdBy: String }));
    await Counter.updateOne({ key: 'k1' }, { $inc: { hits: 1 }, $setOnInsert: { createdBy: 'first' } }, { upsert: true });
    await Counter.updateOne({ key: 'k1' }, { $inc: { hits: 1 }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });
    const docs = await Counter.find({ key: 'k1' }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ key: 'k1', hits: 2, createdBy: 'first' });
  });

  test('when findOneAndUpdate runs with new/upsert/sort, then it returns the right document', async () => {
    const Job = model('Job', new Schema({ name: String, priority: Number, taken: Boolean }));
    await Job.create([{ name: 'x', priority: 1 }, { name: 'y', priority: 5 }]);
    const taken = await Job.findOneAndUpdate({ taken: trusted({ $ne: true }) }, { $set: { taken: true } }, { sort: { priority: -1 }, returnDocument: 'after' }).lean();
    expect(taken).toMatchObject({ name: 'y', taken: true });
    const before = await Job.findOneAndUpdate({ name: 'x' }, { $set: { priority: 7 } }).lean();
    expect(before?.priority).toBe(1);
    const created = await Job.findOneAndUpdate({ name: 'z' }, { $set: { priority: 2 } }, { upsert: true, returnDocument: 'after' }).lean();
    expect(created).toMatchObject({ name: 'z', priority: 2 });
    const removed = await Job.findOneAndDelete({ name: 'x' }).lean();
    expect(removed?.priority).toBe(7);
    expect(await Job.countDocuments()).toBe(2);
  });

  test('when refs are populated and $lookup joins collections, then related documents come back', async () => {
    const Owner = model('Owner', new Schema({ name: String }));
    const Account = model('Acct', new Schema({ label: String, owner: { type: Schema.Types.ObjectId, ref: Owner.modelName } }));
    const owner = await Owner.create({ name: 'Mei' });
    await Account.create([{ label: 'one', owner: owner._id }, { label: 'two', owner: owner._id }]);
    const populated = (await Account.find().sort({ label: 1 }).populate('owner').lean()) as unknown as Array<{ owner: { name: string } }>;
    expect(populated.map((a) => a.owner.name)).toEqual(['Mei', 'Mei']);
    const joined = await Owner.aggregate([{ $lookup: { from: Account.collection.collectionName, localField: '_id', foreignField: 'owner', as: 'accounts' } }]);
    expect(joined[0].accounts.map((a: { label: string }) => a.label).sort()).toEqual(['one', 'two']);
  });

  test('when counting, then countDocuments, estimatedDocumentCount and distinct agree with the data', async () => {
    const Lead = model('Lead', new Schema({ cause: String, tags: [String] }));
    await Lead.create([{ cause: 'price', tags: ['x'] }, { cause: 'price', tags: ['y', 'x'] }, { cause: 'service' }]);
    expect(await Lead.countDocuments({ cause: 'price' })).toBe(2);
    expect(await Lead.estimatedDocumentCount()).toBe(3);
    expect((await Lead.distinct('cause')).sort()).toEqual(['price', 'service']);
    expect((await Lead.distinct('tags')).sort()).toEqual(['x', 'y']);
  });

  test('when aggregating, then $group, $facet and $count give mongod results', async () => {
    const Churn = model('Churn', new Schema({ cause: String, tier: String, revenue: Number }));
    await Churn.create([
      { cause: 'price', tier: 'A', revenue: 10 },
      { cause: 'price', tier: 'B', revenue: 20 },
      { cause: 'service', tier: 'A', revenue: 5 },
    ]);
    const byCause = await Churn.aggregate([{ $group: { _id: '$cause', n: { $sum: 1 }, lost: { $sum: '$revenue' } } }, { $sort: { _id: 1 } }]);
    expect(byCause).toEqual([
      { _id: 'price', n: 2, lost: 30 },
      { _id: 'service', n: 1, lost: 5 },
    ]);
    const [facets] = await Churn.aggregate([{ $facet: { tierA: [{ $match: { tier: 'A' } }, { $count: 'n' }], total: [{ $count: 'n' }] } }]);
    expect(facets).toEqual({ tierA: [{ n: 2 }], total: [{ n: 3 }] });
  });

  test('when bulkWrite mixes operations, then each is applied and counted', async () => {
    const Item = model('Item', new Schema({ sku: { type: String, unique: true }, qty: Number }));
    await Item.init();
    await Item.create({ sku: 'a', qty: 1 });
    const result = await Item.bulkWrite([
      { insertOne: { document: { sku: 'b', qty: 2 } } },
      { updateOne: { filter: { sku: 'a' }, update: { $inc: { qty: 5 } } } },
      { updateOne: { filter: { sku: 'c' }, update: { $set: { qty: 3 } }, upsert: true } },
      { deleteOne: { filter: { sku: 'b' } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 1, matchedCount: 1, modifiedCount: 1, upsertedCount: 1, deletedCount: 1 });
    expect((await Item.find().sort({ sku: 1 }).lean()).map((i) => [i.sku, i.qty])).toEqual([
      ['a', 6],
      ['c', 3],
    ]);
  });

  test('when an unordered insertMany hits a duplicate, then the other documents are inserted and the error names the index', async () => {
    const Tag = model('Tag', new Schema({ code: { type: String, unique: true } }));
    await Tag.init();
    const error = await Tag.insertMany([{ code: 'a' }, { code: 'a' }, { code: 'b' }], { ordered: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
    expect((await Tag.find().lean()).map((t) => t.code).sort()).toEqual(['a', 'b']);
  });

  test('when 20k documents are iterated with a cursor, then getMore delivers every one exactly once', async () => {
    const Row = model('Row', new Schema({ i: Number }));
    await Row.insertMany(Array.from({ length: 20_000 }, (_, i) => ({ i })), { lean: true });
    let count = 0;
    let sum = 0;
    for await (const row of Row.find().lean().cursor({ batchSize: 1000 })) {
      count++;
      sum += row.i;
    }
    expect(count).toBe(20_000);
    expect(sum).toBe((19_999 * 20_000) / 2);
  });

  test('when a collection is dropped and an index listed, then the catalog reflects it', async () => {
    const Thing = model('Thing', new Schema({ a: { type: String, index: true } }));
    await Thing.init();
    const indexes = await Thing.listIndexes();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'a_1']);
    await Thing.collection.drop();
    const names = (await target.connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain(Thing.collection.collectionName);
  });

  test('when ObjectIds and dates are queried by range, then the results match', async () => {
    const Event = model('Event', new Schema({ at: { type: Date, index: true }, ref: Schema.Types.ObjectId }));
    const ref = new Types.ObjectId();
    await Event.create([
      { at: new Date('2026-01-01'), ref },
      { at: new Date('2026-02-01'), ref },
      { at: new Date('2026-03-01'), ref: new Types.ObjectId() },
    ]);
    expect(await Event.countDocuments({ at: trusted({ $gte: new Date('2026-01-15'), $lt: new Date('2026-03-01') }) })).toBe(1);
    expect(await Event.countDocuments({ ref })).toBe(2);
  });
});

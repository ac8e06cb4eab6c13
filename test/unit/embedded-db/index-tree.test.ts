/** The secondary index as a tree of maps: prefix lookups, multikey documents, removal and uniqueness. */
import { ObjectId } from 'bson';
import fc from 'fast-check';
import { Query } from 'mingo';
import { Collection } from '../../../src/shared/db/embedded/collection';

function collectionWith(key: Record<string, 1 | -1>, options: { unique?: boolean } = {}): Collection {
  const collection = new Collection('test', 'things');
  collection.createIndex({ key, name: Object.keys(key).join('_'), ...options });
  return collection;
}

test('when documents share a compound prefix, then equality on the prefix and on the full key each find exactly theirs', () => {
  const collection = collectionWith({ campaignId: 1, state: 1, dueAt: 1 });
  const campaign = new ObjectId();
  const due = new Date('2026-11-23T09:00:00Z');
  collection.insert({ _id: 1, campaignId: campaign, state: 'pending', dueAt: due });
  collection.insert({ _id: 2, campaignId: campaign, state: 'pending', dueAt: due });
  collection.insert({ _id: 3, campaignId: campaign, state: 'sent', dueAt: due });
  collection.insert({ _id: 4, campaignId: new ObjectId(), state: 'pending', dueAt: due });
  const ids = (filter: object) => collection.find(filter).map((doc) => doc._id as number).sort();
  expect(ids({ campaignId: campaign })).toEqual([1, 2, 3]);
  expect(ids({ campaignId: campaign, state: 'pending' })).toEqual([1, 2]);
  expect(ids({ campaignId: campaign, state: { $in: ['pending', 'sent'] }, dueAt: due })).toEqual([1, 2, 3]);
  expect(collection.plan({ campaignId: campaign, state: 'pending' }).plan).toEqual({ stage: 'IXSCAN', indexName: 'campaignId_state_dueAt' });
});

test('when a multikey document is indexed on a compound key, then each of its values finds it once, and removing it leaves nothing behind', () => {
  const collection = collectionWith({ status: 1, tags: 1 });
  collection.insert({ _id: 'a', status: 'churned', tags: ['vip', 'price', 'vip'] });
  collection.insert({ _id: 'b', status: 'churned', tags: [] });
  expect(collection.find({ status: 'churned' }).map((doc) => doc._id).sort()).toEqual(['a', 'b']);
  expect(collection.find({ status: 'churned', tags: 'price' }).map((doc) => doc._id)).toEqual(['a']);
  collection.remove(collection.find({ _id: 'a' })[0]);
  expect(collection.find({ status: 'churned', tags: 'vip' })).toEqual([]);
  expect(collection.find({ status: 'churned' }).map((doc) => doc._id)).toEqual(['b']);
});

test('when a unique compound key is released by an update, then another document may take it, and a live one still conflicts', () => {
  const collection = collectionWith({ campaignId: 1, customerId: 1 }, { unique: true });
  collection.insert({ _id: 1, campaignId: 'c', customerId: 'x' });
  expect(() => collection.insert({ _id: 2, campaignId: 'c', customerId: 'x' })).toThrow(/duplicate key/);
  const before = collection.find({ _id: 1 })[0];
  collection.replace(before, { ...before, customerId: 'y' }, ['customerId']);
  expect(() => collection.insert({ _id: 2, campaignId: 'c', customerId: 'x' })).not.toThrow();
  expect(() => collection.insert({ _id: 3, campaignId: 'c', customerId: 'y' })).toThrow(/duplicate key/);
  expect(collection.find({ campaignId: 'c' }).length).toBe(2);
});

test('when an update names only paths no index covers, then the index is untouched and still answers', () => {
  const collection = collectionWith({ status: 1 });
  collection.insert({ _id: 1, status: 'churned', engagement: { holdouts: [] } });
  const before = collection.find({ _id: 1 })[0];
  collection.replace(before, { ...before, engagement: { holdouts: ['c1'] } }, ['engagement.holdouts']);
  expect(collection.find({ status: 'churned' })).toEqual([{ _id: 1, status: 'churned', engagement: { holdouts: ['c1'] } }]);
});

describe('a range on the field after an equality prefix', () => {
  test('when deliveries of a campaign are counted by a sentAt range, then only the matching keys are read and the answer is the same as a scan', () => {
    const collection = collectionWith({ campaignId: 1, sentAt: 1 });
    const [a, b] = [new ObjectId(), new ObjectId()];
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));
    collection.insert({ _id: 1, campaignId: a, sentAt: at(0) });
    collection.insert({ _id: 2, campaignId: a, sentAt: at(5) });
    collection.insert({ _id: 3, campaignId: a, sentAt: at(10) });
    collection.insert({ _id: 4, campaignId: a }); // pending: no sentAt
    collection.insert({ _id: 5, campaignId: a, sentAt: null });
    collection.insert({ _id: 6, campaignId: b, sentAt: at(7) });
    const ids = (filter: object) => collection.find(filter).map((doc) => doc._id as number).sort();
    expect(ids({ campaignId: a, sentAt: { $gt: at(0) } })).toEqual([2, 3]);
    expect(ids({ campaignId: a, sentAt: { $gte: at(0), $lt: at(10) } })).toEqual([1, 2]);
    expect(ids({ campaignId: a, sentAt: { $lte: at(10) } })).toEqual([1, 2, 3]);
    expect(ids({ campaignId: { $in: [a, b] }, sentAt: { $gt: at(4), $lte: at(7) } })).toEqual([2, 6]);
    const plan = collection.plan({ campaignId: a, sentAt: { $gt: at(0) } });
    expect([...plan.candidates].map((doc) => doc._id).sort()).toEqual([2, 3]);
  });

  test('when values are numbers of mixed kinds, strings, arrays or missing, then every filter finds exactly what a full scan finds', () => {
    const values = [0, 1, 2.5, -3, 10, Number.NaN, 'x', 'y', null, undefined, new Date(5), new Date(50)];
    const arbitraryDoc = fc.record({ group: fc.constantFrom('g1', 'g2'), value: fc.constantFrom(...values), list: fc.boolean() });
    const arbitraryBound = fc.constantFrom(...values.filter((value) => value !== null && value !== undefined));
    const operators = fc.subarray(['$gt', '$gte', '$lt', '$lte'], { minLength: 1, maxLength: 2 });
    fc.assert(
      fc.property(fc.array(arbitraryDoc, { maxLength: 40 }), operators, fc.tuple(arbitraryBound, arbitraryBound), (docs, ops, bounds) => {
        const collection = collectionWith({ group: 1, value: 1 });
        docs.forEach((doc, i) => {
          const stored: Record<string, unknown> = { _id: i, group: doc.group };
          if (doc.value !== undefined) stored.value = doc.list ? [doc.value] : doc.value;
          collection.insert(stored);
        });
        const range = Object.fromEntries(ops.map((op, k) => [op, bounds[k]]));
        const filter = { group: 'g1', value: range };
        const scan = new Query(filter);
        const expected = [...collection.docs.values()].filter((doc) => scan.test(doc)).map((doc) => doc._id as number).sort((x, y) => x - y);
        expect(collection.find(filter).map((doc) => doc._id as number).sort((x, y) => x - y)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

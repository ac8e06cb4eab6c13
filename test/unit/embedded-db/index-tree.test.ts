/** The secondary index as a tree of maps: prefix lookups, multikey documents, removal and uniqueness. */
import { ObjectId } from 'bson';
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

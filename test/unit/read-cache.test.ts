/**
 * The short-lived cache of rarely changed reads: when it reads again, and when it must not keep a
 * value. (Writes through a model counting at once: test/integration/surveys/submission-cost.test.ts.)
 */
import type { Connection } from 'mongoose';
import { ReadCache } from '../../src/shared/db/read-cache';

// Only an identity here: the cache keeps one value per connection object.
const connection = {} as Connection;

function counter() {
  let reads = 0;
  return { read: async () => ++reads, reads: () => reads };
}

test('when asked again within the time-to-live, then the value is not read again; after it, it is', async () => {
  let now = 0;
  const cache = new ReadCache<number>({ ttlMs: 30_000, dependsOn: [], clock: () => now });
  const source = counter();

  expect(await cache.get(connection, source.read)).toBe(1);
  now = 29_999;
  expect(await cache.get(connection, source.read)).toBe(1);
  now = 30_000;
  expect(await cache.get(connection, source.read)).toBe(2);
});

test('when requests arrive while the value is being read, then they share the one read', async () => {
  const cache = new ReadCache<number>({ ttlMs: 30_000, dependsOn: [] });
  const source = counter();

  const values = await Promise.all([cache.get(connection, source.read), cache.get(connection, source.read), cache.get(connection, source.read)]);

  expect(values).toEqual([1, 1, 1]);
  expect(source.reads()).toBe(1);
});

test('when a read fails, then the failure is not kept and the next call reads again', async () => {
  const cache = new ReadCache<number>({ ttlMs: 30_000, dependsOn: [] });
  await expect(cache.get(connection, () => Promise.reject(new Error('database unavailable')))).rejects.toThrow('database unavailable');

  expect(await cache.get(connection, async () => 7)).toBe(7);
});

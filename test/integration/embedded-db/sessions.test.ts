/** connect-mongo, as the staff session store will use it, against the target server. */
import type { SessionData } from 'express-session';
import { MongoStore } from 'connect-mongo';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let target: TestDatabase;
beforeAll(async () => {
  target = await createTestDatabase();
});
afterAll(async () => target.close());

const call = <T>(fn: (cb: (error: unknown, value?: T | null) => void) => void) =>
  new Promise<T | null | undefined>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

test('when a session is stored, then it can be read back and expires with its TTL', async () => {
  const collectionName = `sessions_${Date.now()}`;
  const store = MongoStore.create({ client: target.connection.getClient(), dbName: target.dbName, collectionName, ttl: 1, autoRemove: 'native' });
  const session = { cookie: { originalMaxAge: 1000, expires: new Date(Date.now() + 1000) }, user: 'staff-1' } as unknown as SessionData;
  await call((cb) => store.set('sid-1', session, cb));
  const loaded = (await call<SessionData>((cb) => store.get('sid-1', cb))) as unknown as { user: string };
  expect(loaded.user).toBe('staff-1');

  const indexes = await target.connection.db!.collection(collectionName).indexes();
  expect(indexes.find((index) => index.key.expires === 1)?.expireAfterSeconds).toBe(0);

  await new Promise((r) => setTimeout(r, 1500));
  expect(await call((cb) => store.get('sid-1', cb))).toBeFalsy();

  if (!process.env.MONGODB_URI) {
    // mongod's TTL monitor wakes once a minute; the embedded one every second, so the
    // expired document itself must be gone shortly after.
    await new Promise((r) => setTimeout(r, 1200));
    expect(await target.connection.db!.collection(collectionName).countDocuments({ _id: 'sid-1' } as never)).toBe(0);
  }
  await store.close();
});

import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../../src/shared/db/embedded';

test('when mongoose connects to the embedded server, then basic CRUD works', async () => {
  const server = await startEmbeddedMongo({ memory: true });
  const conn = await mongoose.createConnection(`${server.uri}smoke`).asPromise();
  const User = conn.model('User', new mongoose.Schema({ email: { type: String, unique: true }, n: Number }));
  await User.init();
  await User.create({ email: 'a@x.io', n: 1 });
  await User.create({ email: 'b@x.io', n: 2 });
  await expect(User.create({ email: 'a@x.io', n: 3 })).rejects.toMatchObject({ code: 11000 });
  const found = await User.find().sort({ n: -1 }).lean();
  expect(found.map((u) => u.email)).toEqual(['b@x.io', 'a@x.io']);
  await User.updateOne({ email: 'a@x.io' }, { $inc: { n: 10 } });
  expect((await User.findOne({ email: 'a@x.io' }).lean())?.n).toBe(11);
  expect(await User.countDocuments()).toBe(2);
  await conn.close();
  await server.close();
});

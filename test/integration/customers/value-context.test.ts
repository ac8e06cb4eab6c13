/** Loading the value model's context before any customer exists stores nothing. */
import { loadValueContext } from '../../../src/modules/customers/value/value.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

it('when there are no customers yet, then the value context has no tier cuts and nothing is written (found by fuzzing: every refused import rewrote the settings)', async () => {
  const first = await loadValueContext(db.connection);
  const second = await loadValueContext(db.connection);

  expect(first.cuts).toBeNull();
  expect(second.cuts).toBeNull();
  expect(await db.connection.collection('settings').countDocuments()).toBe(0);
});

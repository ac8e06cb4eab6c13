/** The fuzz bed's write watch sees what a request changes, so "a refused request wrote nothing" is not true by blindness. */
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { startFuzzBed, type FuzzBed } from './fuzz-bed';

let bed: FuzzBed;
let key: string;

beforeAll(async () => {
  bed = await startFuzzBed();
  key = (await createApiKey(bed.connection, { name: 'watch', scopes: ['events:write'] })).token;
});

afterAll(async () => {
  await bed.close();
});

const churnEvent = (eventId: string) => ({ eventId, customer: { externalId: eventId, name: 'Ada' }, at: '2026-10-01T00:00:00Z', trigger: 'cancellation' });

it('when an accepted request creates a customer, then the watch sees the inserts; when the same request is refused, it sees none', async () => {
  const accepted = await bed.probe('watch', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}` }, json: churnEvent('watch-1') });
  const refused = await bed.probe('watch', { method: 'POST', path: '/api/v1/churn-events', headers: { authorization: `Bearer ${key}` }, json: { ...churnEvent('watch-2'), at: 'yesterday' } });

  expect(accepted.status).toBe(201);
  expect(accepted.writes).toEqual(expect.arrayContaining([expect.objectContaining({ command: 'insert', collection: 'customers' })]));
  expect(refused.status).toBe(400);
  expect(refused.writes).toEqual([]);
});

it('when documents change, then the watch names each change, and leaves out unchanged updates and session book-keeping', async () => {
  await bed.takeWrites();
  const customers = bed.connection.collection('customers');

  await customers.updateOne({ externalId: 'watch-1' }, { $set: { name: 'Changed' } });
  await customers.updateOne({ externalId: 'watch-1' }, { $set: { name: 'Changed' } });
  await bed.connection.collection('sessions').insertOne({ _id: 'planted' as never, session: '{}' });
  await customers.deleteOne({ externalId: 'nobody' });

  expect(await bed.takeWrites()).toEqual([{ command: 'update', collection: 'customers', changed: 1 }]);
});

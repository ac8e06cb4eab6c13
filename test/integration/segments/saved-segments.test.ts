/** Saved segments: the service validates before it writes, and reads back what it stored. */
import { randomUUID } from 'node:crypto';
import { segmentModel } from '../../../src/modules/segments/segment.model';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment } from '../../../src/modules/segments/segments.service';
import { NotFoundError, ValidationError } from '../../../src/shared/errors';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await segmentModel(db.connection).init();
});
afterAll(() => db.close());

const definition = {
  match: 'all',
  groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }, { field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-03-31' } }] }],
};
const uniqueName = () => `Price churners ${randomUUID().slice(0, 8)}`;

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).details;
}

test('when a valid segment is saved, edited and read back, then the definition comes back typed and the list shows it', async () => {
  const created = await createSegment(db.connection, { name: `  ${uniqueName()}  `, description: 'Q1 losses', definition }, 'staff-1');
  expect(created.name).not.toMatch(/^\s|\s$/);
  expect(created.createdBy).toBe('staff-1');

  const updated = await updateSegment(db.connection, String(created._id), { name: created.name, definition: { ...definition, match: 'any' } });
  expect(updated.description).toBe('');
  expect(updated.definition.match).toBe('any');

  const read = await getSegment(db.connection, String(created._id));
  const range = read.definition.groups[0].conditions[1];
  expect(range.field === 'churnedBetween' && range.value.from).toEqual(new Date('2026-01-01T00:00:00Z'));
  expect((await listSegments(db.connection)).map((segment) => segment.name)).toContain(created.name);
});

test('when the definition is invalid, then nothing is written and the problem names its path', async () => {
  const name = uniqueName();
  const bad = { ...definition, groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['gone'] }] }] };

  expect(await problemsOf(createSegment(db.connection, { name, definition: bad }, 'staff-1'))).toEqual([
    { field: 'definition.groups.0.conditions.0.value.0', reason: 'common:validation.choice' },
  ]);
  expect(await problemsOf(createSegment(db.connection, { name: ' ', definition }, 'staff-1'))).toEqual([{ field: 'name', reason: 'common:validation.required' }]);
  expect(await segmentModel(db.connection).countDocuments({ name })).toBe(0);
});

test('when a name is already taken, then the second segment is refused on the name field', async () => {
  const name = uniqueName();
  await createSegment(db.connection, { name, definition }, 'staff-1');
  const other = await createSegment(db.connection, { name: uniqueName(), definition }, 'staff-1');

  expect(await problemsOf(createSegment(db.connection, { name, definition }, 'staff-2'))).toEqual([{ field: 'name', reason: 'segments:validation.nameTaken' }]);
  expect(await problemsOf(updateSegment(db.connection, String(other._id), { name, definition }))).toEqual([{ field: 'name', reason: 'segments:validation.nameTaken' }]);
});

test('when a segment is deleted, or the id is unknown or malformed, then reading it is not found', async () => {
  const created = await createSegment(db.connection, { name: uniqueName(), definition }, 'staff-1');
  await deleteSegment(db.connection, String(created._id));

  await expect(getSegment(db.connection, String(created._id))).rejects.toBeInstanceOf(NotFoundError);
  await expect(deleteSegment(db.connection, String(created._id))).rejects.toBeInstanceOf(NotFoundError);
  await expect(getSegment(db.connection, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
  await expect(updateSegment(db.connection, '0123456789abcdef01234567', { name: uniqueName(), definition })).rejects.toBeInstanceOf(NotFoundError);
});

test('when a stored definition was altered outside the app, then reading it fails instead of querying with it', async () => {
  const created = await createSegment(db.connection, { name: uniqueName(), definition }, 'staff-1');
  await db.connection.collection('segments').updateOne({ _id: created._id }, { $set: { 'definition.groups.0.conditions.0.op': '$where' } });

  await expect(getSegment(db.connection, String(created._id))).rejects.toMatchObject({ code: 'stored_segment_invalid' });
});

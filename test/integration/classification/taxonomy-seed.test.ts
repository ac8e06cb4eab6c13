/** Seeding the taxonomy again (as every view of /admin/causes does) leaves the stored causes untouched. */
import { causeModel } from '../../../src/modules/classification/taxonomy.model';
import { seedTaxonomy } from '../../../src/modules/classification/taxonomy.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

it('when the taxonomy is seeded again, then no stored cause is rewritten (found by fuzzing: a refused form on /admin/causes bumped updatedAt on all eight)', async () => {
  await seedTaxonomy(db.connection);
  const before = await causeModel(db.connection).find({}).sort({ code: 1 }).lean();
  await new Promise((resolve) => setTimeout(resolve, 5));

  expect(await seedTaxonomy(db.connection)).toBe(0);

  const after = await causeModel(db.connection).find({}).sort({ code: 1 }).lean();
  expect(after).toHaveLength(8);
  expect(after).toEqual(before);
});

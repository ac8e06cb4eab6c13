import { causeModel } from '../../../src/modules/classification/taxonomy.model';
import { addCause, findCause, listCauses, renameCause, restoreCause, retireCause, seedTaxonomy } from '../../../src/modules/classification/taxonomy.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await causeModel(db.connection).deleteMany({});
});

const newCause = {
  code: 'facilities',
  labels: { en: 'Facilities', 'zh-CN': '设施问题' },
  description: { en: 'Parking, building access.', 'zh-CN': '停车、门禁。' },
  recoverable: 'sometimes' as const,
  winBackLever: { en: 'Fix the facility.', 'zh-CN': '修好设施。' },
};

describe('the stored cause taxonomy', () => {
  it('when seeded twice, then the eight default causes exist once each, with labels, recoverability and levers', async () => {
    expect(await seedTaxonomy(db.connection)).toBe(8);
    expect(await seedTaxonomy(db.connection)).toBe(0);

    const causes = await listCauses(db.connection);
    expect(causes.map((cause) => cause.code)).toEqual(['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural', 'other']);
    expect(causes.find((cause) => cause.code === 'trust')).toMatchObject({
      labels: { en: 'Trust', 'zh-CN': '诚信问题' },
      recoverable: 'sometimes',
      retired: false,
      builtIn: true,
    });
    expect(causes.find((cause) => cause.code === 'natural')?.recoverable).toBe('no');
    expect(causes.every((cause) => cause.winBackLever.en.length > 0 && cause.description['zh-CN'].length > 0)).toBe(true);
  });

  it('when an admin renames a cause and the seed runs again, then the new label stays', async () => {
    await seedTaxonomy(db.connection);

    await renameCause(db.connection, 'relationship', { labels: { en: 'Felt neglected' } });
    await seedTaxonomy(db.connection);

    expect((await findCause(db.connection, 'relationship'))?.labels).toEqual({ en: 'Felt neglected', 'zh-CN': '关怀不足 / 利益' });
  });

  it('when an admin adds a cause, then it is listed; adding it again is refused', async () => {
    await seedTaxonomy(db.connection);

    await addCause(db.connection, newCause);

    expect((await listCauses(db.connection)).map((cause) => cause.code)).toContain('facilities');
    expect(await findCause(db.connection, 'facilities')).toMatchObject({ builtIn: false, retired: false });
    await expect(addCause(db.connection, newCause)).rejects.toMatchObject({ code: 'cause_exists', httpStatus: 409 });
  });

  it('when a cause is added with a bad code, then it is refused', async () => {
    await expect(addCause(db.connection, { ...newCause, code: 'Bad Code' })).rejects.toThrow('expected lowercase letters');
  });

  it('when a cause is retired, then it is no longer listed as active but stays on record, and can be restored', async () => {
    await seedTaxonomy(db.connection);

    await retireCause(db.connection, 'competitor');

    expect((await listCauses(db.connection)).map((cause) => cause.code)).not.toContain('competitor');
    expect((await listCauses(db.connection, { includeRetired: true })).find((cause) => cause.code === 'competitor')?.retired).toBe(true);
    await restoreCause(db.connection, 'competitor');
    expect((await listCauses(db.connection)).map((cause) => cause.code)).toContain('competitor');
  });

  it('when someone tries to retire other or change a missing cause, then it is refused', async () => {
    await seedTaxonomy(db.connection);

    await expect(retireCause(db.connection, 'other')).rejects.toMatchObject({ code: 'cause_required' });
    await expect(renameCause(db.connection, 'nope', { labels: { en: 'x' } })).rejects.toMatchObject({ code: 'cause_not_found', httpStatus: 404 });
  });
});

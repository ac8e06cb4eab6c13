/** Daily dashboard snapshots: the same figures as a scan, read instead of scanning while they are today's. */
import { customerModel } from '../../../src/modules/customers/customer.model';
import { dashboardQuerySchema } from '../../../src/modules/dashboard/dashboard.schemas';
import { dashboardFigures } from '../../../src/modules/dashboard/dashboard.service';
import { snapshotCellModel, snapshotRunModel } from '../../../src/modules/dashboard/snapshot.model';
import { takeSnapshot } from '../../../src/modules/dashboard/snapshot.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { day, seedQuarter } from './support';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const quarter = (plan: string, extra: Record<string, string> = {}) => dashboardQuerySchema.parse({ range: 'custom', from: '2025-01-01', to: '2025-03-31', plan, ...extra });

test('when a snapshot was taken today, then the dashboard reads it and its figures equal a scan, for every filter', async () => {
  const { plan } = await seedQuarter(db.connection);
  const now = new Date('2025-04-10T08:00:00Z');
  const scanned = await dashboardFigures(db.connection, quarter(plan), now);
  const scannedTierB = await dashboardFigures(db.connection, quarter(plan, { tier: 'B' }), now);

  await takeSnapshot(db.connection, now);
  const fromSnapshot = await dashboardFigures(db.connection, quarter(plan), now);
  const fromSnapshotTierB = await dashboardFigures(db.connection, quarter(plan, { tier: 'B' }), now);

  expect(scanned.source).toBe('scan');
  expect(fromSnapshot.source).toBe('snapshot');
  expect(fromSnapshot.snapshotTakenAt).toBeInstanceOf(Date);
  expect({ ...fromSnapshot, source: 'scan', snapshotTakenAt: null }).toEqual(scanned);
  expect({ ...fromSnapshotTierB, source: 'scan', snapshotTakenAt: null }).toEqual(scannedTierB);
  // Tier B: C and D at the start of February, both lost.
  expect(fromSnapshotTierB.months[1]).toMatchObject({ customersAtStart: 2, lost: 2, churnRate: 100 });
});

test('when customers change after the snapshot, then today shows the snapshot and the next day, without one, scans', async () => {
  const { plan } = await seedQuarter(db.connection);
  const now = new Date('2025-04-11T08:00:00Z');
  await takeSnapshot(db.connection, now);
  await customerModel(db.connection).create({ source: 'd', externalId: `${plan}-late`, plan, signupDate: day('2024-01-01'), status: 'churned', churns: [{ at: day('2025-02-03') }] });

  const today = await dashboardFigures(db.connection, quarter(plan), now);
  const tomorrow = await dashboardFigures(db.connection, quarter(plan), new Date('2025-04-12T08:00:00Z'));

  expect(today.source).toBe('snapshot');
  expect(today.months[1].lost).toBe(2);
  expect(tomorrow.source).toBe('scan');
  expect(tomorrow.months[1].lost).toBe(3);
});

test('when a period begins before the snapshot’s 24 months, then the dashboard scans', async () => {
  const { plan } = await seedQuarter(db.connection);
  const now = new Date('2027-06-01T08:00:00Z');
  await takeSnapshot(db.connection, now);

  const figures = await dashboardFigures(db.connection, quarter(plan), now);

  expect(figures.source).toBe('scan');
  expect(figures.months[0].churnRate).toBe(25);
});

test('when a new snapshot is taken, then the earlier runs and their cells are removed', async () => {
  await seedQuarter(db.connection);
  const first = await takeSnapshot(db.connection, new Date('2025-05-01T08:00:00Z'));
  const second = await takeSnapshot(db.connection, new Date('2025-05-02T08:00:00Z'));

  const runs = await snapshotRunModel(db.connection).find().lean();
  expect(runs.map((run) => run.takenOn)).toEqual([second.takenOn]);
  expect(await snapshotCellModel(db.connection).countDocuments()).toBe(second.cells);
  expect(first.cells).toBeGreaterThan(0);
});

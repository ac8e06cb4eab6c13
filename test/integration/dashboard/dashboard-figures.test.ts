/** The dashboard's figures on a hand-made fixture (test/integration/dashboard/support.ts) equal hand-computed values. */
import { dashboardQuerySchema } from '../../../src/modules/dashboard/dashboard.schemas';
import { dashboardFigures, type DashboardFigures } from '../../../src/modules/dashboard/dashboard.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { formulaCompetitor, markupCompetitor, seedQuarter, type QuarterFixture } from './support';

let db: TestDatabase;
let fixture: QuarterFixture;
let figures: DashboardFigures;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await seedQuarter(db.connection);
  figures = await dashboardFigures(db.connection, dashboardQuerySchema.parse({ range: 'custom', from: '2025-01-01', to: '2025-03-31', plan: fixture.plan }));
});
afterAll(async () => {
  await db.close();
});

test('when the quarter is shown on the fixture plan, then churn and retention by month equal the hand-computed rates', () => {
  expect(figures.months.map(({ period, customersAtStart, lost, newCustomers, customersAtEnd, churnRate, retentionRate }) => ({
    period,
    customersAtStart,
    lost,
    newCustomers,
    customersAtEnd,
    churnRate,
    retentionRate,
  }))).toEqual([
    // January: A B C D at the start, B lost, E new: 1/4 lost, (4 − 1)/4 kept. X is on another plan.
    { period: '2025-01', customersAtStart: 4, lost: 1, newCustomers: 1, customersAtEnd: 4, churnRate: 25, retentionRate: 75 },
    // February: A C D E, C and D lost, F new: 2/4, (3 − 1)/4.
    { period: '2025-02', customersAtStart: 4, lost: 2, newCustomers: 1, customersAtEnd: 3, churnRate: 50, retentionRate: 50 },
    // March: A E F, F lost, C back: 1/3, 3/3.
    { period: '2025-03', customersAtStart: 3, lost: 1, newCustomers: 0, customersAtEnd: 3, churnRate: 33.33, retentionRate: 100 },
  ]);
});

test('when churn is split by cause, then counts, lost monthly revenue, the months and the tiers add up by hand', () => {
  expect(figures.causes).toEqual([
    { cause: 'price', lost: 2, lostMonthlyRevenue: 160 },
    { cause: 'natural', lost: 1, lostMonthlyRevenue: 30 },
    { cause: 'service', lost: 1, lostMonthlyRevenue: 40 },
  ]);
  expect(figures.months.map((month) => month.lostByCause)).toEqual([{ price: 1 }, { price: 1, service: 1 }, { natural: 1 }]);
  expect(figures.causesByTier.tiers).toEqual(['VIP', 'A', 'B', 'C', 'D', 'none']);
  expect(figures.causesByTier.rows).toEqual([
    { cause: 'price', counts: [0, 1, 1, 0, 0, 0], total: 2 },
    { cause: 'natural', counts: [0, 0, 0, 0, 1, 0], total: 1 },
    { cause: 'service', counts: [0, 0, 1, 0, 0, 0], total: 1 },
  ]);
});

test('when customers are churned now, then they are counted by cause whatever the period (C came back, X is on another plan)', () => {
  expect(figures.churnedNow).toEqual({
    total: 3,
    byCause: [
      { cause: 'price', customers: 2 },
      { cause: 'natural', customers: 1 },
    ],
  });
});

test('when invitations went out, then the response rate is answered over delivered (a failed send is not delivered)', () => {
  expect(figures.months.map((month) => month.surveyResponses.rate)).toEqual([null, 50, 100]);
  expect(figures.surveyResponses).toEqual({ delivered: 3, answered: 2, rate: 66.67 });
});

test('when a campaign won back 2 of 4 targeted and none of its holdout, then its win-back rate is 50% with 50 points of lift and 75 recovered', () => {
  expect(figures.campaigns).toEqual([
    { id: expect.any(String), name: fixture.campaignName, targeted: 4, wonBack: 2, winBackRate: 50, holdoutWinBackRate: 0, liftPoints: 50, recoveredRevenue: 75 },
  ]);
});

test('when customers carry RFM warnings and one cause waits for review, then at-risk counts and the queue size are the fixture plan’s', () => {
  expect(figures.atRisk).toEqual([
    { level: 'yellow', customers: 1 },
    { level: 'orange', customers: 0 },
    { level: 'red', customers: 1 },
  ]);
  expect(figures.reviewQueue).toBe(1);
});

test('when interviews name competitors, then names count together regardless of case and spaces, and interviews outside the period are left out', () => {
  expect(figures.competitors).toEqual([
    { name: 'Acme', mentions: 2 },
    { name: markupCompetitor, mentions: 1 },
    { name: formulaCompetitor, mentions: 1 },
  ]);
});

test('when the last 3 months are asked for, then the period starts on the first day of the month two months back', async () => {
  const recent = await dashboardFigures(db.connection, dashboardQuerySchema.parse({ range: '3', plan: fixture.plan }), new Date('2026-11-22T10:00:00Z'));

  expect(recent.months.map((month) => month.period)).toEqual(['2026-09', '2026-10', '2026-11']);
  expect(recent.from).toEqual(new Date('2026-09-01T00:00:00Z'));
});

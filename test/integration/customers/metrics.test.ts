import { Types } from 'mongoose';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { periodsBetween } from '../../../src/modules/customers/metrics/churn-metrics';
import { churnReport } from '../../../src/modules/customers/metrics/metrics.service';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;
const day = (text: string) => new Date(`${text}T00:00:00Z`);
const tier = (value: string) => ({ clv: 1, tier: value, rfm: { recencyDays: null, frequencyChange: null, monetaryChange: null, level: 'none' }, computedAt: new Date() });

/**
 * Eight customers over the first quarter of 2025 (hand-computed figures in the tests below):
 *   A  signed up 2024-06, stays                              VIP
 *   B  signed up 2024-07, lost 2025-01-15 (price)            A
 *   C  signed up 2024-08, lost 2025-02-10 (service), back 2025-03-05 with 50 a month   B
 *   D  no signup date,    lost 2025-02-20 (price)            B
 *   E  signed up 2025-01-10, stays                           C
 *   F  signed up 2025-02-01, lost 2025-03-15 (natural)       D
 *   G  signed up 2024-01, lost 2024-12-01 (competitor), before the report
 *   H  churned on an unknown date: left out
 */
beforeAll(async () => {
  db = await createTestDatabase();
  const cause = (code: string) => ({ code, source: 'staff', setAt: new Date() });
  await customerModel(db.connection).insertMany([
    { source: 'm', externalId: 'A', signupDate: day('2024-06-01'), value: tier('VIP') },
    { source: 'm', externalId: 'B', signupDate: day('2024-07-01'), status: 'churned', churns: [{ at: day('2025-01-15') }], cause: cause('price'), value: tier('A') },
    {
      source: 'm',
      externalId: 'C',
      signupDate: day('2024-08-01'),
      status: 'won_back',
      churns: [{ at: day('2025-02-10'), wonBackAt: day('2025-03-05'), wonBackMonthlyRevenue: 50 }],
      cause: cause('service'),
      value: tier('B'),
    },
    { source: 'm', externalId: 'D', status: 'churned', churns: [{ at: day('2025-02-20') }], cause: cause('price'), value: tier('B') },
    { source: 'm', externalId: 'E', signupDate: day('2025-01-10'), value: tier('C') },
    { source: 'm', externalId: 'F', signupDate: day('2025-02-01'), status: 'churned', churns: [{ at: day('2025-03-15') }], cause: cause('natural'), value: tier('D') },
    { source: 'm', externalId: 'G', signupDate: day('2024-01-01'), status: 'churned', churns: [{ at: day('2024-12-01') }], cause: cause('competitor') },
    // Churned at an unknown date (an imported file without dates): in no period, and not a customer.
    { source: 'm', externalId: 'H', status: 'churned', cause: cause('price'), value: tier('VIP') },
  ]);
  const invitation = (sentAt: string, answeredAt?: string, status = 'sent') => ({
    customerId: new Types.ObjectId(),
    surveyKey: 'exit',
    surveyVersion: 1,
    status,
    locale: 'en',
    sendAt: day(sentAt),
    sentAt: day(sentAt),
    expiresAt: day('2025-12-31'),
    origin: 'churn-event',
    ...(answeredAt ? { answeredAt: day(answeredAt) } : {}),
  });
  await invitationModel(db.connection).insertMany([
    invitation('2025-02-11', '2025-02-12', 'answered'),
    invitation('2025-02-21'),
    invitation('2025-02-22', undefined, 'failed'),
    invitation('2025-03-16', '2025-03-20', 'answered'),
  ]);
});

afterAll(async () => {
  await db.close();
});

describe('churn and retention per month', () => {
  it('when the first quarter of 2025 is reported by month, then churn and retention equal the hand-computed values', async () => {
    const report = await churnReport(db.connection, { period: 'month', from: day('2025-01-01'), to: day('2025-03-31') });

    expect(report.periods.map(({ period, customersAtStart, customersAtEnd, newCustomers, lost, churnRate, retentionRate }) => ({
      period,
      customersAtStart,
      customersAtEnd,
      newCustomers,
      lost,
      churnRate,
      retentionRate,
    }))).toEqual([
      // January: A B C D at the start; B lost, E new; A C D E at the end. 1/4 lost; (4 − 1)/4 kept.
      { period: '2025-01', customersAtStart: 4, customersAtEnd: 4, newCustomers: 1, lost: 1, churnRate: 25, retentionRate: 75 },
      // February: A C D E; C and D lost, F new; A E F at the end. 2/4; (3 − 1)/4.
      { period: '2025-02', customersAtStart: 4, customersAtEnd: 3, newCustomers: 1, lost: 2, churnRate: 50, retentionRate: 50 },
      // March: A E F; F lost, C back; A C E at the end. 1/3; (3 − 0)/3.
      { period: '2025-03', customersAtStart: 3, customersAtEnd: 3, newCustomers: 0, lost: 1, churnRate: 33.33, retentionRate: 100 },
    ]);
    expect(report.periods.map((period) => [period.wonBack, period.recoveredMonthlyRevenue])).toEqual([
      [0, 0],
      [0, 0],
      [1, 50],
    ]);
  });

  it('when February is split by tier and by cause, then tier B lost both its customers and price and service share the churn', async () => {
    const report = await churnReport(db.connection, { period: 'month', from: day('2025-02-01'), to: day('2025-02-28') });
    const [february] = report.periods;

    expect(february.byTier.B).toEqual({ customersAtStart: 2, customersAtEnd: 0, newCustomers: 0, lost: 2, churnRate: 100, retentionRate: 0 });
    expect(february.byTier.VIP).toEqual({ customersAtStart: 1, customersAtEnd: 1, newCustomers: 0, lost: 0, churnRate: 0, retentionRate: 100 });
    expect(february.byTier.D).toEqual({ customersAtStart: 0, customersAtEnd: 1, newCustomers: 1, lost: 0, churnRate: null, retentionRate: null });
    expect(february.byCause).toEqual({ price: { lost: 1, share: 50, churnRate: 25 }, service: { lost: 1, share: 50, churnRate: 25 } });
  });

  it('when survey invitations went out, then the response rate counts answers over delivered invitations; the win-back rate waits for campaigns', async () => {
    const report = await churnReport(db.connection, { period: 'month', from: day('2025-01-01'), to: day('2025-03-31') });

    expect(report.periods.map((period) => period.surveyResponses)).toEqual([
      { delivered: 0, answered: 0, rate: null },
      { delivered: 2, answered: 1, rate: 50 },
      { delivered: 1, answered: 1, rate: 100 },
    ]);
    expect(report.periods.every((period) => period.winBackRate === null)).toBe(true);
  });
});

describe('churn and retention per quarter', () => {
  it('when the first quarter is reported as one period, then 4 of 4 were lost and (3 − 2 new)/4 kept', async () => {
    const report = await churnReport(db.connection, { period: 'quarter', from: day('2025-01-01'), to: day('2025-03-31') });

    expect(report.periods).toHaveLength(1);
    expect(report.periods[0]).toMatchObject({ period: '2025-Q1', customersAtStart: 4, customersAtEnd: 3, newCustomers: 2, lost: 4, churnRate: 100, retentionRate: 25, wonBack: 1 });
  });

  it('when a range starts mid-quarter, then the periods are whole quarters covering it', () => {
    expect(periodsBetween('quarter', day('2024-11-15'), day('2025-04-01')).map((period) => period.label)).toEqual(['2024-Q4', '2025-Q1', '2025-Q2']);
    expect(periodsBetween('month', day('2024-12-31'), day('2025-01-01')).map((period) => period.label)).toEqual(['2024-12', '2025-01']);
  });
});

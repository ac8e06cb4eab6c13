import fc from 'fast-check';
import {
  customerLifetimeValue,
  expectedLoyalYears,
  isInactive,
  lifetimeValue,
  quantileTierCuts,
  rfmLevel,
  rfmScores,
  statusAfterWarning,
  tierFor,
  yearlyProfit,
} from '../../../src/modules/customers/value/value';
import { applyValueSettingsPatch, defaultValueSettings } from '../../../src/modules/customers/value/value-settings';

const rfm = defaultValueSettings.rfm;
const day = 86_400_000;
const now = new Date('2025-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * day);

describe('lifetime value: CLV = R × (1 − (1 + r)^−n) / r', () => {
  it('when R = 1000, r = 10% and n = 5, then CLV is the annuity value 3790.79', () => {
    expect(lifetimeValue(1000, 0.1, 5)).toBeCloseTo(3790.786769, 5);
  });

  it('when the discount rate is 0, then CLV is R × n, the limit of the formula', () => {
    expect(lifetimeValue(1200, 0, 4)).toBe(4800);
    expect(lifetimeValue(1200, 1e-9, 4)).toBeCloseTo(4800, 3);
  });

  it('when n is 0, then CLV is 0; when R is negative, then CLV is negative', () => {
    expect(lifetimeValue(1000, 0.1, 0)).toBe(0);
    expect(lifetimeValue(-500, 0.1, 1)).toBeCloseTo(-454.545454, 5);
  });

  it('when r and n vary, then CLV never exceeds R × n, grows with n and falls with r', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (profit, rate, years) => {
          const value = lifetimeValue(profit, rate, years);
          expect(value).toBeLessThanOrEqual(profit * years + 1e-6);
          expect(lifetimeValue(profit, rate, years + 1)).toBeGreaterThanOrEqual(value);
          expect(lifetimeValue(profit, rate + 0.01, years)).toBeLessThanOrEqual(value + 1e-9);
        },
      ),
    );
  });
});

describe('the CLV inputs', () => {
  it('when a customer stayed 24 months and retention is 80%, then n = 2 years stayed + 4 to come = 6', () => {
    expect(expectedLoyalYears(24, 0.8, 20)).toBeCloseTo(6, 10);
  });

  it('when retention is 100% or the years exceed the cap, then n is the cap', () => {
    expect(expectedLoyalYears(12, 1, 20)).toBe(20);
    expect(expectedLoyalYears(600, 0.5, 20)).toBe(20);
    expect(expectedLoyalYears(undefined, 0, 20)).toBe(0);
  });

  it('when the cost to serve is known, then R = 12 × (monthly − cost); unknown, then the cost ratio applies', () => {
    expect(yearlyProfit({ monthly: 100, costToServe: 40 }, 0.5)).toBe(720);
    expect(yearlyProfit({ monthly: 100 }, 0.25)).toBe(900);
    expect(yearlyProfit({ total: 1200, tenureMonths: 12 }, 0)).toBe(1200);
    expect(yearlyProfit({}, 0)).toBe(0);
  });

  it('when a customer pays 100 a month for 24 months at the defaults, then CLV is 1200 × (1 − 1.1^−6) / 0.1', () => {
    const expected = Math.round(((1200 * (1 - Math.pow(1.1, -6))) / 0.1) * 100) / 100;
    expect(customerLifetimeValue({ monthly: 100, tenureMonths: 24 }, defaultValueSettings.clv)).toBe(expected);
  });
});

describe('RFM early warning', () => {
  /** `recentCount` purchases on the last day, `previousCount` 35 days earlier (in the window before). */
  const steady = (recentCount: number, previousCount: number, lastDaysAgo: number, amount = 10) => [
    ...Array.from({ length: recentCount }, () => ({ at: daysAgo(lastDaysAgo), amount })),
    ...Array.from({ length: previousCount }, () => ({ at: daysAgo(lastDaysAgo + 35), amount })),
  ];

  it('when there are no transactions, then there are no scores and the level is none', () => {
    const scores = rfmScores([], now, rfm);
    expect(scores).toEqual({ recencyDays: null, frequencyChange: null, monetaryChange: null });
    expect(rfmLevel(scores, rfm)).toBe('none');
  });

  it('when the last window has 7 transactions against 10 before, then F and M dropped 30%', () => {
    expect(rfmScores(steady(7, 10, 2), now, rfm)).toEqual({ recencyDays: 2, frequencyChange: -0.3, monetaryChange: -0.3 });
  });

  it.each([
    [10, 'none'],
    [11, 'orange'],
    [30, 'orange'],
    [31, 'red'],
    [60, 'red'],
  ] as const)('when the last transaction is %i days old and nothing dropped, then the level is %s', (age, level) => {
    expect(rfmLevel(rfmScores(steady(5, 5, age), now, rfm), rfm)).toBe(level);
  });

  it.each([
    [10, 10, 'none'],
    [9, 10, 'yellow'],
    [7, 10, 'yellow'],
    [13, 20, 'orange'],
    [5, 10, 'orange'],
    [49, 100, 'red'],
  ] as const)('when a recent buyer made %i transactions against %i before, then the level is %s', (recent, previous, level) => {
    expect(rfmLevel(rfmScores(steady(recent, previous, 1), now, rfm), rfm)).toBe(level);
  });

  it('when only the amount dropped by more than half, then the monetary signal makes it red', () => {
    const transactions = [
      { at: daysAgo(1), amount: 40 },
      { at: daysAgo(31), amount: 100 },
    ];
    const scores = rfmScores(transactions, now, rfm);
    expect(scores).toMatchObject({ frequencyChange: 0, monetaryChange: -0.6 });
    expect(rfmLevel(scores, rfm)).toBe('red');
  });

  it('when a refund is in the window, then it lowers the monetary value but is not counted as a purchase', () => {
    const scores = rfmScores([{ at: daysAgo(1), amount: 100 }, { at: daysAgo(2), amount: -50 }, { at: daysAgo(31), amount: 100 }], now, rfm);
    expect(scores).toMatchObject({ frequencyChange: 0, monetaryChange: -0.5 });
  });

  it('when 60 days have passed the customer is still active, from 61 days inactive', () => {
    expect(isInactive({ recencyDays: 60 }, rfm)).toBe(false);
    expect(isInactive({ recencyDays: 61 }, rfm)).toBe(true);
    expect(isInactive({ recencyDays: null }, rfm)).toBe(false);
  });
});

describe('value tiers', () => {
  const cuts = defaultValueSettings.tiers.thresholds;

  it.each([
    [20_000, 'VIP'],
    [19_999.99, 'A'],
    [10_000, 'A'],
    [5_000, 'B'],
    [4_999.99, 'C'],
    [1_000, 'C'],
    [999.99, 'D'],
    [0, 'D'],
    [-10, 'D'],
  ] as const)('when cutting by absolute thresholds and CLV is %d, then the tier is %s', (clv, tier) => {
    expect(tierFor(clv, cuts)).toBe(tier);
  });

  it('when 100 customers have CLV 1…100, then the top 5 are VIP, the next 15 A, 30 B, 30 C and the last 20 D', () => {
    const clvs = Array.from({ length: 100 }, (_, i) => i + 1);
    const quantileCuts = quantileTierCuts(clvs, defaultValueSettings.tiers.quantiles);

    expect(quantileCuts).toEqual({ VIP: 96, A: 81, B: 51, C: 21 });
    const counts: Record<string, number> = {};
    for (const clv of clvs) {
      const tier = tierFor(clv, quantileCuts!);
      counts[tier] = (counts[tier] ?? 0) + 1;
    }
    expect(counts).toEqual({ VIP: 5, A: 15, B: 30, C: 30, D: 20 });
  });

  it('when a share times the count is not exact in floating point (0.07 × 100), then the count is still exact', () => {
    const clvs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileTierCuts(clvs, { VIP: 0.07, A: 0.2, B: 0.5, C: 0.8 })?.VIP).toBe(94);
  });

  it('when customers tie at a cut, then they all join the higher tier; with no customers there are no cuts', () => {
    expect(quantileTierCuts([50, 50, 50, 10], { VIP: 0.25, A: 0.5, B: 0.75, C: 1 })).toEqual({ VIP: 50, A: 50, B: 50, C: 10 });
    expect(quantileTierCuts([], defaultValueSettings.tiers.quantiles)).toBeNull();
  });
});

describe('status from the early warning', () => {
  it.each([
    ['active', 'orange', 'at_risk'],
    ['active', 'red', 'at_risk'],
    ['active', 'yellow', 'active'],
    ['at_risk', 'yellow', 'active'],
    ['at_risk', 'red', 'at_risk'],
    ['churned', 'red', 'churned'],
    ['won_back', 'red', 'won_back'],
  ] as const)('when a customer is %s and the level is %s, then the status becomes %s', (status, level, next) => {
    expect(statusAfterWarning(status, level)).toBe(next);
  });
});

describe('value settings', () => {
  it('when an admin changes one field, then the others keep their values', () => {
    const changed = applyValueSettingsPatch(defaultValueSettings, { clv: { discountRate: 0.08 }, tiers: { mode: 'absolute' } });
    expect(changed.clv).toEqual({ ...defaultValueSettings.clv, discountRate: 0.08 });
    expect(changed.tiers.mode).toBe('absolute');
    expect(changed.rfm).toEqual(defaultValueSettings.rfm);
  });

  it('when a change makes the thresholds inconsistent, then it is refused naming the field', () => {
    expect(() => applyValueSettingsPatch(defaultValueSettings, { tiers: { thresholds: { A: 50_000 } } })).toThrow(/thresholds/);
    expect(() => applyValueSettingsPatch(defaultValueSettings, { rfm: { redAfterDays: 5 } })).toThrow(/orangeAfterDays/);
    expect(() => applyValueSettingsPatch(defaultValueSettings, { clv: { discountRate: -1 } })).toThrow(/discountRate/);
  });
});

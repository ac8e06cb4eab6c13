/**
 * The value model as pure functions (DOMAIN.md, "Customer lifetime value" and "RFM early
 * warning"): what a customer is worth, how worried to be about one not yet lost, and the value
 * tier that decides how hard we try to win one back.
 */
import type { Revenue, RfmScores } from '../customer.model';
import type { CustomerStatus, RfmLevel, ValueTier } from '../vocabulary';
import { rankedTiers, type TierCuts, type ValueSettings } from './value-settings';

/**
 * CLV = R × (1 − (1 + r)^−n) / r: the present value of R a year for n years at discount rate r.
 * With r = 0 nothing is discounted and CLV = R × n (the formula's limit).
 */
export function lifetimeValue(yearlyProfit: number, discountRate: number, loyalYears: number): number {
  if (loyalYears <= 0) return 0;
  if (discountRate === 0) return yearlyProfit * loyalYears;
  return (yearlyProfit * (1 - Math.pow(1 + discountRate, -loyalYears))) / discountRate;
}

/**
 * n, the expected years of loyalty: the years the customer has already stayed plus the years a
 * customer is expected to stay on at retention rate p, which is p + p² + … = p / (1 − p)
 * (p = 0.8 → 4 more years). Capped at `maxYears`, which also covers p = 1.
 */
export function expectedLoyalYears(tenureMonths: number | undefined, retentionRate: number, maxYears: number): number {
  const stayed = Math.max(0, tenureMonths ?? 0) / 12;
  const toCome = retentionRate >= 1 ? Infinity : retentionRate / (1 - retentionRate);
  return Math.min(maxYears, stayed + toCome);
}

/**
 * R, the yearly profit contribution: 12 × (monthly revenue − monthly cost to serve). Monthly
 * revenue falls back to total ÷ tenure; an unknown cost falls back to `costRatio` × revenue.
 */
export function yearlyProfit(revenue: Revenue, costRatio: number): number {
  const monthly = monthlyRevenue(revenue);
  const cost = revenue.costToServe ?? monthly * costRatio;
  return 12 * (monthly - cost);
}

export function monthlyRevenue(revenue: Revenue): number {
  if (revenue.monthly !== undefined && revenue.monthly !== null) return revenue.monthly;
  if (revenue.total !== undefined && revenue.total !== null && revenue.tenureMonths) return revenue.total / revenue.tenureMonths;
  return 0;
}

/** The customer's CLV under the settings, rounded to cents so recomputing the same data is stable. */
export function customerLifetimeValue(revenue: Revenue, settings: ValueSettings['clv']): number {
  const profit = yearlyProfit(revenue, settings.costRatio);
  const years = expectedLoyalYears(revenue.tenureMonths, settings.retentionRate, settings.maxYears);
  return roundToCents(lifetimeValue(profit, settings.discountRate, years));
}

// ---------------------------------------------------------------------------------------------
// RFM

export interface TransactionPoint {
  at: Date;
  /** Negative for refunds. */
  amount: number;
}

/**
 * R = days since the last transaction; F and M = the change in count and in value between the
 * window ending at the last transaction and the window before it (−0.4 = a 40% drop). F or M is
 * null when the earlier window is empty: there is nothing to compare against.
 */
export function rfmScores(transactions: readonly TransactionPoint[], now: Date, rfm: ValueSettings['rfm']): Omit<RfmScores, 'level'> {
  if (transactions.length === 0) return { recencyDays: null, frequencyChange: null, monetaryChange: null };
  const last = transactions.reduce((latest, transaction) => Math.max(latest, transaction.at.getTime()), -Infinity);
  const window = rfm.windowDays * DAY_MS;
  const recent = { count: 0, amount: 0 };
  const before = { count: 0, amount: 0 };
  for (const transaction of transactions) {
    const age = last - transaction.at.getTime();
    const bucket = age < window ? recent : age < 2 * window ? before : undefined;
    if (!bucket) continue;
    if (transaction.amount >= 0) bucket.count++;
    bucket.amount += transaction.amount;
  }
  return {
    recencyDays: Math.max(0, Math.floor((now.getTime() - last) / DAY_MS)),
    frequencyChange: before.count > 0 ? roundTo(4, (recent.count - before.count) / before.count) : null,
    monetaryChange: before.amount > 0 ? roundTo(4, (recent.amount - before.amount) / before.amount) : null,
  };
}

/**
 * The warning level is the worst of three signals. Recency: more than `orangeAfterDays` since the
 * last transaction is orange, more than `redAfterDays` red (a recent buyer raises nothing by
 * itself). Frequency and monetary drops: any drop is yellow, above `orangeDropAbove` orange,
 * above `redDropAbove` red. No transactions: none.
 */
export function rfmLevel(scores: Omit<RfmScores, 'level'>, rfm: ValueSettings['rfm']): RfmLevel {
  if (scores.recencyDays === null) return 'none';
  const byRecency: RfmLevel = scores.recencyDays > rfm.redAfterDays ? 'red' : scores.recencyDays > rfm.orangeAfterDays ? 'orange' : 'none';
  return worst([byRecency, levelOfDrop(scores.frequencyChange, rfm), levelOfDrop(scores.monetaryChange, rfm)]);
}

/** True when the customer has gone longer than the inactivity window without a transaction. */
export function isInactive(scores: Pick<RfmScores, 'recencyDays'>, rfm: ValueSettings['rfm']): boolean {
  return scores.recencyDays !== null && scores.recencyDays > rfm.inactiveAfterDays;
}

// ---------------------------------------------------------------------------------------------
// Tiers

/** VIP, A, B, C from the lowest CLV that earns each; D below C. A CLV of zero or less is always D. */
export function tierFor(clv: number, cuts: TierCuts): ValueTier {
  if (clv <= 0) return 'D';
  return rankedTiers.find((tier) => clv >= cuts[tier]) ?? 'D';
}

/**
 * Cuts that put the top `quantiles.VIP` share of customers in VIP, the top `quantiles.A` share in
 * A or above, and so on. A cut is the lowest CLV inside its share; customers tied with it join
 * the higher tier. Null when there are no customers to cut.
 */
export function quantileTierCuts(clvs: readonly number[], quantiles: TierCuts): TierCuts | null {
  if (clvs.length === 0) return null;
  const descending = [...clvs].sort((a, b) => b - a);
  // The epsilon keeps 0.07 × 100 = 7.000000000000001 at 7 customers, not 8.
  const countIn = (topShare: number) => Math.min(descending.length, Math.max(1, Math.ceil(topShare * descending.length - 1e-9)));
  const cutAt = (topShare: number) => descending[countIn(topShare) - 1];
  return { VIP: cutAt(quantiles.VIP), A: cutAt(quantiles.A), B: cutAt(quantiles.B), C: cutAt(quantiles.C) };
}

/**
 * The status the early warning gives: an active customer at orange or red becomes at risk, an
 * at-risk one back at none or yellow becomes active again. Churned and won-back customers are
 * left alone: only a reported churn or reactivation moves them.
 */
export function statusAfterWarning(status: CustomerStatus, level: RfmLevel): CustomerStatus {
  const worrying = level === 'orange' || level === 'red';
  if (status === 'active' && worrying) return 'at_risk';
  if (status === 'at_risk' && !worrying) return 'active';
  return status;
}

// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const levelOrder: readonly RfmLevel[] = ['none', 'yellow', 'orange', 'red'];

function levelOfDrop(change: number | null, rfm: ValueSettings['rfm']): RfmLevel {
  if (change === null || change >= 0) return 'none';
  const drop = -change;
  if (drop > rfm.redDropAbove) return 'red';
  if (drop > rfm.orangeDropAbove) return 'orange';
  return 'yellow';
}

function worst(levels: RfmLevel[]): RfmLevel {
  return levels.reduce((a, b) => (levelOrder.indexOf(b) > levelOrder.indexOf(a) ? b : a), 'none');
}

function roundToCents(value: number): number {
  return roundTo(2, value);
}

function roundTo(decimals: number, value: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}


/**
 * Churn and retention per month or quarter (DOMAIN.md, "Metrics"), as pure functions over each
 * customer's history (signup and churn episodes):
 *
 *   churn rate     = customers lost in the period / customers at the end of the previous period × 100
 *   retention rate = (customers at the end − new customers in the period) / customers at the start × 100
 *
 * "The end of the previous period" is the start of this one. A customer counts at an instant when
 * they signed up before it and are not inside a churn episode then (lost before it, not yet back).
 * A customer without a signup date has been one since before the data begins. Rates are null
 * when there was nobody at the start.
 */
import type { CauseCode } from '../causes';
import type { ChurnEpisode } from '../customer.model';
import type { ValueTier } from '../vocabulary';

export type PeriodUnit = 'month' | 'quarter';

export interface Period {
  /** `2025-03` or `2025-Q1`. */
  label: string;
  start: Date;
  /** Exclusive: the start of the next period. */
  end: Date;
}

export interface CustomerHistory {
  signupDate?: Date;
  churns: readonly ChurnEpisode[];
  tier?: ValueTier;
  cause?: CauseCode;
}

export interface RetentionFigures {
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  lost: number;
  /** Percent, two decimals; null when nobody was a customer at the start. */
  churnRate: number | null;
  retentionRate: number | null;
}

export interface PeriodMetrics extends RetentionFigures {
  period: string;
  start: Date;
  end: Date;
  /** Churned customers who came back in the period, and the monthly revenue they came back with. */
  wonBack: number;
  recoveredMonthlyRevenue: number;
  byTier: Partial<Record<ValueTier | 'none', RetentionFigures>>;
  /** Customers lost in the period by cause: count, share of the lost, and the churn rate it accounts for. */
  byCause: Partial<Record<CauseCode | 'unknown', { lost: number; share: number; churnRate: number | null }>>;
}

/** The months or quarters (UTC) that overlap [from, to]. */
export function periodsBetween(unit: PeriodUnit, from: Date, to: Date): Period[] {
  const months = unit === 'month' ? 1 : 3;
  const periods: Period[] = [];
  let start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - (from.getUTCMonth() % months), 1));
  while (start <= to) {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
    periods.push({ label: labelOf(unit, start), start, end });
    start = end;
  }
  return periods;
}

/** True when the customer counts as one at instant `t`. */
export function isCustomerAt(history: CustomerHistory, t: Date): boolean {
  if (history.signupDate && history.signupDate >= t) return false;
  return !history.churns.some((episode) => episode.at < t && (!episode.wonBackAt || episode.wonBackAt >= t));
}

export function churnMetrics(histories: readonly CustomerHistory[], periods: readonly Period[]): PeriodMetrics[] {
  return periods.map((period) => {
    const overall = retentionFigures(histories, period);
    const lostInPeriod = histories.flatMap((history) => history.churns.filter((episode) => within(episode.at, period)).map(() => history));
    const returns = histories.flatMap((history) => history.churns.filter((episode) => episode.wonBackAt && within(episode.wonBackAt, period)));
    return {
      period: period.label,
      start: period.start,
      end: period.end,
      ...overall,
      wonBack: returns.length,
      recoveredMonthlyRevenue: round2(returns.reduce((sum, episode) => sum + (episode.wonBackMonthlyRevenue ?? 0), 0)),
      byTier: figuresByTier(histories, period),
      byCause: figuresByCause(lostInPeriod, overall),
    };
  });
}

// ---------------------------------------------------------------------------------------------

function retentionFigures(histories: readonly CustomerHistory[], period: Period): RetentionFigures {
  let customersAtStart = 0;
  let customersAtEnd = 0;
  let newCustomers = 0;
  let lost = 0;
  for (const history of histories) {
    if (isCustomerAt(history, period.start)) customersAtStart++;
    if (isCustomerAt(history, period.end)) customersAtEnd++;
    if (history.signupDate && within(history.signupDate, period)) newCustomers++;
    lost += history.churns.filter((episode) => within(episode.at, period)).length;
  }
  return {
    customersAtStart,
    customersAtEnd,
    newCustomers,
    lost,
    churnRate: percent(lost, customersAtStart),
    retentionRate: percent(customersAtEnd - newCustomers, customersAtStart),
  };
}

function figuresByTier(histories: readonly CustomerHistory[], period: Period): PeriodMetrics['byTier'] {
  const groups = new Map<ValueTier | 'none', CustomerHistory[]>();
  for (const history of histories) {
    const tier = history.tier ?? 'none';
    const members = groups.get(tier);
    if (members) members.push(history);
    else groups.set(tier, [history]);
  }
  return Object.fromEntries([...groups].map(([tier, members]) => [tier, retentionFigures(members, period)]));
}

function figuresByCause(lost: readonly CustomerHistory[], overall: RetentionFigures): PeriodMetrics['byCause'] {
  const counts = new Map<CauseCode | 'unknown', number>();
  for (const history of lost) counts.set(history.cause ?? 'unknown', (counts.get(history.cause ?? 'unknown') ?? 0) + 1);
  return Object.fromEntries(
    [...counts].map(([cause, count]) => [cause, { lost: count, share: percent(count, lost.length) ?? 0, churnRate: percent(count, overall.customersAtStart) }]),
  );
}

function within(at: Date, period: Period): boolean {
  return at >= period.start && at < period.end;
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : round2((100 * part) / whole);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function labelOf(unit: PeriodUnit, start: Date): string {
  const year = start.getUTCFullYear();
  return unit === 'month' ? `${year}-${String(start.getUTCMonth() + 1).padStart(2, '0')}` : `${year}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
}

/**
 * The churn side of the dashboard (churn and retention by month, losses by cause, by cause and
 * month, by cause and tier, lost monthly revenue), computed two ways that give the same
 * numbers: by scanning customers' histories, or by summing snapshot cells (snapshot.service.ts),
 * which hold the same counts per month × tier × plan × language.
 */
import type { Connection } from 'mongoose';
import type { CauseCode } from '../customers/causes';
import { customerModel, type Customer } from '../customers/customer.model';
import { churnMetrics, type CustomerHistory, type Period } from '../customers/metrics/churn-metrics';
import { valueTiers, type CustomerLocale, type ValueTier } from '../customers/vocabulary';
import type { SnapshotCell } from './snapshot.model';

export type CauseKey = CauseCode | 'unknown';
export type TierKey = ValueTier | 'none';

export interface ChurnMonth {
  period: string;
  start: Date;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  lost: number;
  churnRate: number | null;
  retentionRate: number | null;
  lostByCause: Partial<Record<CauseKey, number>>;
}

export interface ChurnFigures {
  months: ChurnMonth[];
  /** Every cause with churned customers in the period, most first. */
  causes: Array<{ cause: CauseKey; lost: number; lostMonthlyRevenue: number }>;
  /** Customers lost in the period per cause and value tier (`tiers` gives the column order). */
  causesByTier: { tiers: TierKey[]; rows: Array<{ cause: CauseKey; counts: number[]; total: number }> };
}

export interface CustomerFilter {
  'value.tier'?: ValueTier;
  plan?: string;
  locale?: CustomerLocale;
}

export interface GroupedHistory extends CustomerHistory {
  monthlyRevenue: number;
  plan: string;
  locale: string;
}

type HistoryFields = Pick<Customer, 'status' | 'signupDate' | 'churns' | 'value' | 'cause' | 'revenue' | 'plan' | 'locale'>;

/** As the churn report: a churned customer without a churn date is in no period and left out. */
export async function loadHistories(connection: Connection, filter: CustomerFilter): Promise<GroupedHistory[]> {
  const histories: GroupedHistory[] = [];
  const cursor = customerModel(connection)
    .find(filter, { status: 1, signupDate: 1, churns: 1, 'value.tier': 1, 'cause.code': 1, 'revenue.monthly': 1, plan: 1, locale: 1 })
    .lean<HistoryFields>()
    .batchSize(1000)
    .cursor();
  for await (const customer of cursor) {
    const { status, signupDate, churns, value, cause, revenue, plan, locale } = customer as HistoryFields;
    if (status === 'churned' && !churns?.length) continue;
    histories.push({ signupDate, churns: churns ?? [], tier: value?.tier, cause: cause?.code, monthlyRevenue: revenue?.monthly ?? 0, plan: plan ?? '', locale: locale ?? 'en' });
  }
  return histories;
}

/** The figures from the histories themselves. */
export function scannedChurnFigures(histories: readonly GroupedHistory[], periods: readonly Period[]): ChurnFigures {
  return churnFiguresFromCells(cellsOf(histories, periods), periods);
}

type CellCounts = Omit<SnapshotCell, 'runId'>;

/** Per month × tier × plan × language: the additive counts; cells with nothing in them are left out. */
export function cellsOf(histories: readonly GroupedHistory[], periods: readonly Period[]): CellCounts[] {
  const groups = new Map<string, GroupedHistory[]>();
  for (const history of histories) {
    const key = [history.tier ?? 'none', history.plan, history.locale].join('\u0000');
    const members = groups.get(key);
    if (members) members.push(history);
    else groups.set(key, [history]);
  }
  const cells: CellCounts[] = [];
  for (const [key, members] of groups) {
    const [tier, plan, locale] = key.split('\u0000');
    churnMetrics(members, periods).forEach((month, index) => {
      const period = periods[index];
      const losses = new Map<string, { lost: number; monthlyRevenue: number }>();
      for (const history of members) {
        const lost = history.churns.filter((episode) => episode.at >= period.start && episode.at < period.end).length;
        if (lost === 0) continue;
        const cause = history.cause ?? 'unknown';
        const entry = losses.get(cause) ?? losses.set(cause, { lost: 0, monthlyRevenue: 0 }).get(cause)!;
        entry.lost += lost;
        entry.monthlyRevenue += lost * history.monthlyRevenue;
      }
      if (month.customersAtStart + month.customersAtEnd + month.newCustomers + month.lost === 0) return;
      cells.push({
        month: period.start,
        tier,
        plan,
        locale,
        customersAtStart: month.customersAtStart,
        customersAtEnd: month.customersAtEnd,
        newCustomers: month.newCustomers,
        lost: month.lost,
        losses: [...losses].map(([cause, entry]) => ({ cause, lost: entry.lost, monthlyRevenue: entry.monthlyRevenue })),
      });
    });
  }
  return cells;
}

/** Sums cells (already narrowed to the filter) into the figures for the periods. */
export function churnFiguresFromCells(cells: readonly CellCounts[], periods: readonly Period[]): ChurnFigures {
  const months = periods.map((period) => ({ period, customersAtStart: 0, customersAtEnd: 0, newCustomers: 0, lost: 0, lostByCause: {} as Partial<Record<CauseKey, number>> }));
  const byCause = new Map<CauseKey, { lost: number; lostMonthlyRevenue: number; byTier: Map<string, number> }>();
  for (const cell of cells) {
    const month = months.find((entry) => entry.period.start.getTime() === cell.month.getTime());
    if (!month) continue;
    month.customersAtStart += cell.customersAtStart;
    month.customersAtEnd += cell.customersAtEnd;
    month.newCustomers += cell.newCustomers;
    month.lost += cell.lost;
    for (const loss of cell.losses) {
      const cause = loss.cause as CauseKey;
      month.lostByCause[cause] = (month.lostByCause[cause] ?? 0) + loss.lost;
      const entry = byCause.get(cause) ?? byCause.set(cause, { lost: 0, lostMonthlyRevenue: 0, byTier: new Map() }).get(cause)!;
      entry.lost += loss.lost;
      entry.lostMonthlyRevenue += loss.monthlyRevenue;
      entry.byTier.set(cell.tier, (entry.byTier.get(cell.tier) ?? 0) + loss.lost);
    }
  }
  const ranked = [...byCause].sort(([causeA, a], [causeB, b]) => b.lost - a.lost || causeA.localeCompare(causeB));
  const tiers: TierKey[] = [...valueTiers, 'none'];
  return {
    months: months.map(({ period, ...counts }) => ({
      period: period.label,
      start: period.start,
      ...counts,
      churnRate: percent(counts.lost, counts.customersAtStart),
      retentionRate: percent(counts.customersAtEnd - counts.newCustomers, counts.customersAtStart),
    })),
    causes: ranked.map(([cause, entry]) => ({ cause, lost: entry.lost, lostMonthlyRevenue: round2(entry.lostMonthlyRevenue) })),
    causesByTier: { tiers, rows: ranked.map(([cause, entry]) => ({ cause, counts: tiers.map((tier) => entry.byTier.get(tier) ?? 0), total: entry.lost })) },
  };
}

export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : round2((100 * part) / whole);
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

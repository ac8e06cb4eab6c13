/**
 * Every dashboard chart's numbers as a table: the page shows it under the chart, and
 * `/dashboard/<chart>.csv` sends the same rows. A cell keeps its raw value (for the CSV: cause
 * codes, month labels like `2025-03`, plain numbers) and, for words, the label to show.
 */
import { stringify } from 'csv-stringify/sync';
import type { Translate } from '../../shared/i18n';
import type { CauseLabels } from '../classification/cause-view';
import { noCauseKey } from '../customers/causes';
import { csvCell } from '../customers/export/customers-csv';
import type { DashboardFigures } from './dashboard.service';

export const dashboardCharts = ['churn-retention', 'churned-now', 'causes', 'causes-over-time', 'causes-by-tier', 'lost-revenue', 'survey-responses', 'campaigns', 'at-risk', 'competitors'] as const;
export type DashboardChart = (typeof dashboardCharts)[number];

export function isDashboardChart(value: string): value is DashboardChart {
  return (dashboardCharts as readonly string[]).includes(value);
}

export type CellKind = 'text' | 'month' | 'count' | 'percent' | 'money';

export interface TableCell {
  value: string | number | null;
  kind: CellKind;
  /** What the page shows for a word (a cause's name); the value otherwise. */
  label?: string;
}

export interface DashboardTable {
  /** Column names in the CSV (stable, English). */
  csvColumns: string[];
  /** Column headings on the page (translated). */
  headings: string[];
  rows: TableCell[][];
}

/** `causes` names each cause as the taxonomy does now (admins' renames, retired causes marked). */
export function dashboardTable(chart: DashboardChart, figures: DashboardFigures, t: Translate, causes: CauseLabels): DashboardTable {
  const heading = (key: string) => t(`dashboard:column.${key}`);
  const table = (columns: string[], rows: TableCell[][]): DashboardTable => ({ csvColumns: columns, headings: columns.map(heading), rows });
  const month = (period: string): TableCell => ({ value: period, kind: 'month' });
  const cause = (code: string): TableCell => ({ value: code, kind: 'text', label: causeLabel(code, t, causes) });
  const count = (value: number): TableCell => ({ value, kind: 'count' });
  const rate = (value: number | null): TableCell => ({ value, kind: 'percent' });
  const money = (value: number): TableCell => ({ value, kind: 'money' });
  const text = (value: string): TableCell => ({ value, kind: 'text' });

  switch (chart) {
    case 'churn-retention':
      return table(
        ['month', 'customers_at_start', 'lost', 'new_customers', 'customers_at_end', 'churn_rate', 'retention_rate'],
        figures.months.map((m) => [month(m.period), count(m.customersAtStart), count(m.lost), count(m.newCustomers), count(m.customersAtEnd), rate(m.churnRate), rate(m.retentionRate)]),
      );
    case 'churned-now':
      return table(['cause', 'customers'], figures.churnedNow.byCause.map((row) => [cause(row.cause), count(row.customers)]));
    case 'causes':
      return table(['cause', 'lost'], figures.causes.map((row) => [cause(row.cause), count(row.lost)]));
    case 'causes-over-time': {
      const codes = figures.causes.map((row) => row.cause);
      return {
        csvColumns: ['month', ...codes],
        headings: [heading('month'), ...codes.map((code) => causeLabel(code, t, causes))],
        rows: figures.months.map((m) => [month(m.period), ...codes.map((code) => count(m.lostByCause[code] ?? 0))]),
      };
    }
    case 'causes-by-tier': {
      const tiers = figures.causesByTier.tiers;
      return {
        csvColumns: ['cause', ...tiers, 'total'],
        headings: [heading('cause'), ...tiers.map((tier) => (tier === 'none' ? t('dashboard:tier.none') : tier)), heading('total')],
        rows: figures.causesByTier.rows.map((row) => [cause(row.cause), ...row.counts.map(count), count(row.total)]),
      };
    }
    case 'lost-revenue':
      return table(['cause', 'lost', 'lost_monthly_revenue'], figures.causes.map((row) => [cause(row.cause), count(row.lost), money(row.lostMonthlyRevenue)]));
    case 'survey-responses':
      return table(
        ['month', 'delivered', 'answered', 'response_rate'],
        figures.months.map((m) => [month(m.period), count(m.surveyResponses.delivered), count(m.surveyResponses.answered), rate(m.surveyResponses.rate)]),
      );
    case 'campaigns':
      return table(
        ['campaign', 'targeted', 'won_back', 'win_back_rate', 'holdout_win_back_rate', 'lift_points', 'recovered_revenue'],
        figures.campaigns.map((row) => [
          text(row.name),
          count(row.targeted),
          count(row.wonBack),
          rate(row.winBackRate),
          rate(row.holdoutWinBackRate),
          { value: row.liftPoints, kind: 'count' },
          money(row.recoveredRevenue),
        ]),
      );
    case 'at-risk':
      return table(['rfm_level', 'customers'], figures.atRisk.map((row) => [{ value: row.level, kind: 'text', label: t(`dashboard:rfm.${row.level}`) }, count(row.customers)]));
    case 'competitors':
      return table(['competitor', 'mentions'], figures.competitors.map((row) => [text(row.name), count(row.mentions)]));
  }
}

/** The table as CSV with a byte-order mark; text is guarded against spreadsheet formulas. */
export function dashboardCsv(table: DashboardTable): string {
  return stringify(
    table.rows.map((row) => row.map((cell) => csvCell(cell.value))),
    { bom: true, header: true, columns: table.csvColumns },
  );
}

export function causeLabel(code: string, t: Translate, causes: CauseLabels): string {
  return code === noCauseKey ? t('dashboard:cause.unknown') : causes.label(code);
}

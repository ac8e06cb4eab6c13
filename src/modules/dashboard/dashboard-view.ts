/**
 * The dashboard page's model: the form's choices, and per chart a section with its Chart.js
 * spec (drawn in the browser), its table (numbers formatted for the page's language) and its
 * CSV link.
 */
import { intlLocaleOf, type Locale, type Translate } from '../../shared/i18n';
import type { CauseLabels } from '../classification/cause-view';
import { customerLocales, valueTiers } from '../customers/vocabulary';
import { barSpec, causeColor, chartColors, heatLevel, lineSpec, stackedSpec, type ChartSpec } from './dashboard-charts';
import { causeLabel, dashboardCharts, dashboardTable, type DashboardChart, type TableCell } from './dashboard-tables';
import { dashboardRanges, type DashboardQuery } from './dashboard.schemas';
import type { DashboardFigures } from './dashboard.service';

export interface DashboardSection {
  chart: DashboardChart;
  title: string;
  hint?: string;
  /** The chart to draw; absent for the heat table and for charts with nothing to show. */
  spec?: ChartSpec;
  /** Said instead of a chart that would have nothing to draw. */
  note?: string;
  /** The causes × tier table is its own chart: cells shaded by count. */
  heat?: boolean;
  /** A headline number shown above the chart. */
  total?: string;
  headings: string[];
  rows: Array<Array<{ text: string; numeric: boolean; heat?: number }>>;
  csvHref: string;
}

export function dashboardView(figures: DashboardFigures, query: DashboardQuery, words: { locale: Locale; t: Translate; causes: CauseLabels }, basePath = '') {
  const { locale, t, causes } = words;
  const format = formatters(locale);
  const intl = intlLocaleOf(locale);
  const search = searchOf(query);
  const monthLabels = figures.months.map((month) => format.month(month.period));
  const sections = dashboardCharts.map((chart): DashboardSection => {
    const table = dashboardTable(chart, figures, t, causes);
    return {
      chart,
      title: t(`dashboard:chart.${chart}.title`),
      hint: t(`dashboard:chart.${chart}.hint`),
      ...chartOf(chart, figures, monthLabels, format, { t, causes }, intl, basePath),
      headings: table.headings,
      rows: table.rows.map((row) => row.map((cell) => ({ text: format.cell(cell), numeric: cell.kind !== 'text' && cell.kind !== 'month' }))),
      csvHref: `${basePath}/dashboard/${chart}.csv${search}`,
    };
  });
  const heat = sections.find((section) => section.heat);
  if (heat) {
    const largest = Math.max(0, ...figures.causesByTier.rows.flatMap((row) => row.counts));
    heat.rows = heat.rows.map((row, r) => row.map((cell, c) => (c === 0 || c > figures.causesByTier.tiers.length ? cell : { ...cell, heat: heatLevel(figures.causesByTier.rows[r].counts[c - 1], largest) })));
  }
  return {
    title: t('dashboard:title'),
    span: { from: figures.from, to: figures.to },
    reviewQueue: figures.reviewQueue,
    sourceNote: t(`dashboard:source.${figures.source}`, figures.snapshotTakenAt ? { time: format.time(figures.snapshotTakenAt) } : undefined),
    form: {
      ranges: dashboardRanges.map((range) => ({ value: range, label: t(`dashboard:range.${range}`), selected: range === query.range })),
      from: query.from ?? '',
      to: query.to ?? '',
      plan: query.plan ?? '',
      tiers: valueTiers.map((tier) => ({ value: tier, selected: tier === query.tier })),
      locales: customerLocales.map((code) => ({ value: code, label: t(`dashboard:locale.${code}`), selected: code === query.locale })),
    },
    sections,
  };
}

// ---------------------------------------------------------------------------------------------

type Formatters = ReturnType<typeof formatters>;

function chartOf(chart: DashboardChart, figures: DashboardFigures, months: string[], format: Formatters, { t, causes }: { t: Translate; causes: CauseLabels }, intl: string, basePath: string): Partial<DashboardSection> {
  const causeBars = (label: string, value: (row: DashboardFigures['causes'][number]) => number, unit: 'count' | 'money') =>
    barSpec(intl, label, figures.causes.map((row) => ({ label: causeLabel(row.cause, t, causes), value: value(row), color: causeColor(row.cause) })), unit);
  const withData = (spec: ChartSpec) => (spec.labels.length > 0 ? { spec } : {});
  switch (chart) {
    case 'churn-retention':
      return withData(
        lineSpec(
          intl,
          months,
          [
            { label: t('dashboard:column.churn_rate'), data: figures.months.map((m) => m.churnRate), color: chartColors.churn },
            { label: t('dashboard:column.retention_rate'), data: figures.months.map((m) => m.retentionRate), color: chartColors.retention },
          ],
          'percent',
        ),
      );
    case 'churned-now':
      return {
        ...withData(
          barSpec(
            intl,
            t('dashboard:column.customers'),
            figures.churnedNow.byCause.map((row) => ({ label: causeLabel(row.cause, t, causes), value: row.customers, color: causeColor(row.cause) })),
            'count',
          ),
        ),
        total: format.count(figures.churnedNow.total),
      };
    case 'causes':
      return withData(causeBars(t('dashboard:column.lost'), (row) => row.lost, 'count'));
    case 'lost-revenue':
      return withData(causeBars(t('dashboard:column.lost_monthly_revenue'), (row) => row.lostMonthlyRevenue, 'money'));
    case 'causes-over-time': {
      const keys = figures.causes.map((row) => ({ key: row.cause, label: causeLabel(row.cause, t, causes), color: causeColor(row.cause) }));
      if (keys.length === 0) return {};
      return withData(stackedSpec(intl, months, keys, (column, key) => figures.months[column].lostByCause[key as keyof (typeof figures.months)[number]['lostByCause']] ?? 0));
    }
    case 'causes-by-tier':
      return { heat: true };
    case 'survey-responses':
      // With no invitation delivered in the period every rate is empty: a bare 0–1% axis says
      // nothing, so the section shows its table and a line saying why there is no chart.
      if (!figures.months.some((m) => m.surveyResponses.delivered > 0)) return { note: t('dashboard:noSurveysSent') };
      return withData(barSpec(intl, t('dashboard:column.response_rate'), figures.months.map((m, index) => ({ label: months[index], value: m.surveyResponses.rate })), 'percent', false));
    case 'campaigns':
      return withData(barSpec(intl, t('dashboard:column.win_back_rate'), figures.campaigns.map((row) => ({ label: row.name, value: row.winBackRate })), 'percent'));
    case 'at-risk':
      return withData(
        barSpec(
          intl,
          t('dashboard:column.customers'),
          figures.atRisk.map((row) => ({
            label: t(`dashboard:rfm.${row.level}`),
            value: row.customers,
            color: chartColors.rfm[row.level],
            href: `${basePath}/customers?rfmLevel=${row.level}`,
          })),
          'count',
        ),
      );
    case 'competitors':
      return withData(barSpec(intl, t('dashboard:column.mentions'), figures.competitors.map((row) => ({ label: row.name, value: row.mentions })), 'count'));
  }
}

function formatters(locale: Locale) {
  const intl = intlLocaleOf(locale);
  const counts = new Intl.NumberFormat(intl);
  const decimals = new Intl.NumberFormat(intl, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const months = new Intl.DateTimeFormat(intl, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const count = (value: number) => counts.format(value);
  const percent = (value: number | null) => (value === null ? '—' : `${decimals.format(value)}%`);
  const money = (value: number) => decimals.format(value);
  const month = (period: string) => months.format(new Date(`${period}-01T00:00:00Z`));
  const times = new Intl.DateTimeFormat(intl, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });
  const time = (at: Date) => times.format(at);
  const cell = (cell: TableCell): string => {
    if (cell.kind === 'text') return cell.label ?? String(cell.value ?? '');
    if (cell.kind === 'month') return month(String(cell.value));
    if (cell.kind === 'percent') return percent(cell.value as number | null);
    if (cell.value === null) return '—';
    return cell.kind === 'money' ? money(Number(cell.value)) : count(Number(cell.value));
  };
  return { count, percent, money, month, time, cell };
}

/** The page's query again, for the CSV links. */
function searchOf(query: DashboardQuery): string {
  const params = new URLSearchParams();
  params.set('range', query.range);
  if (query.range === 'custom' && query.from && query.to) {
    params.set('from', query.from);
    params.set('to', query.to);
  }
  if (query.tier) params.set('tier', query.tier);
  if (query.plan) params.set('plan', query.plan);
  if (query.locale) params.set('locale', query.locale);
  return `?${params.toString()}`;
}

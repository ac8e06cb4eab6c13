/**
 * What each dashboard chart draws, as data for Chart.js in the browser: labels, series, colours
 * and the unit. The page embeds a spec as JSON (`<script type="application/json">`) next to its
 * canvas, and /assets/js/dashboard.js turns it into a chart, so no inline script is needed and
 * the strict Content-Security-Policy holds. The numbers are also in the table under each chart.
 */

export type ChartUnit = 'percent' | 'count' | 'money';

export interface ChartSpec {
  kind: 'line' | 'bar' | 'stacked';
  /** Bars run sideways (long labels such as causes and campaign names). */
  horizontal: boolean;
  unit: ChartUnit;
  /** BCP 47 locale for the numbers on axes and tooltips. */
  locale: string;
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null>; color: string | string[] }>;
  /** Where a click on the n-th label leads (e.g. the at-risk customers list), if anywhere. */
  links?: Array<string | null>;
}

/** The same colours as the legend swatches and the heat table in dashboard.css. */
export const chartColors = {
  churn: '#c0392b',
  retention: '#2471a3',
  bar: '#2471a3',
  cause: {
    price: '#2471a3',
    competitor: '#c0392b',
    product: '#8e44ad',
    service: '#d68910',
    trust: '#16a085',
    relationship: '#7d6608',
    natural: '#7f8c8d',
    other: '#b3b6b7',
    unknown: '#b3b6b7',
  } as Record<string, string>,
  rfm: { yellow: '#f1c40f', orange: '#e67e22', red: '#c0392b' } as Record<string, string>,
};

/** Colours for the causes admins added, picked by the code so a cause keeps its colour from chart to chart. */
const addedCauseColors = ['#1e8449', '#a04000', '#5b2c6f', '#1a5276', '#b7950b', '#922b21', '#117864', '#6e2c00'];

export function causeColor(cause: string): string {
  const builtIn = chartColors.cause[cause];
  if (builtIn) return builtIn;
  let hash = 0;
  for (const char of cause) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return addedCauseColors[hash % addedCauseColors.length];
}

export function lineSpec(locale: string, labels: string[], series: ReadonlyArray<{ label: string; data: Array<number | null>; color: string }>, unit: ChartUnit): ChartSpec {
  return { kind: 'line', horizontal: false, unit, locale, labels, datasets: series.map((line) => ({ ...line })) };
}

/** One series of bars, one bar per row, each with its own colour when given. */
export function barSpec(
  locale: string,
  label: string,
  rows: ReadonlyArray<{ label: string; value: number | null; color?: string; href?: string }>,
  unit: ChartUnit,
  horizontal = true,
): ChartSpec {
  const links = rows.map((row) => row.href ?? null);
  return {
    kind: 'bar',
    horizontal,
    unit,
    locale,
    labels: rows.map((row) => row.label),
    datasets: [{ label, data: rows.map((row) => row.value), color: rows.map((row) => row.color ?? chartColors.bar) }],
    ...(links.some((link) => link !== null) ? { links } : {}),
  };
}

/** Columns per month stacked by key (a cause). */
export function stackedSpec(locale: string, labels: string[], keys: ReadonlyArray<{ key: string; label: string; color: string }>, valueOf: (column: number, key: string) => number): ChartSpec {
  return {
    kind: 'stacked',
    horizontal: false,
    unit: 'count',
    locale,
    labels,
    datasets: keys.map(({ key, label, color }) => ({ label, color, data: labels.map((_, column) => valueOf(column, key)) })),
  };
}

/** 0 (none) to 4 (the largest count): the heat table's shade. */
export function heatLevel(value: number, largest: number): number {
  return largest === 0 || value === 0 ? 0 : Math.max(1, Math.ceil((4 * value) / largest));
}

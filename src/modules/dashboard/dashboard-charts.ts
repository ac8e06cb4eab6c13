/**
 * Chart geometry for server-rendered SVG: the page draws lines, bars and stacked columns from
 * these numbers with presentation attributes and CSS classes only (no inline styles, no
 * script), so the strict Content-Security-Policy holds without a charting library.
 */

export interface LineChart {
  width: number;
  height: number;
  series: Array<{ className: string; label: string; points: string; dots: Array<{ x: number; y: number; title: string }> }>;
  gridLines: Array<{ y: number; label: string }>;
  xLabels: Array<{ x: number; label: string }>;
  baseline: number;
}

export interface BarChart {
  width: number;
  height: number;
  labelWidth: number;
  bars: Array<{ y: number; textY: number; width: number; label: string; fullLabel: string; valueText: string; valueX: number; className: string; href?: string }>;
}

export interface StackedChart {
  width: number;
  height: number;
  baseline: number;
  columns: Array<{ x: number; labelX: number; label: string; segments: Array<{ y: number; height: number; width: number; className: string; title: string }> }>;
}

const plot = { width: 640, height: 220, left: 44, right: 32, top: 12, bottom: 28 };
/** Longer bar labels are cut (the table under the chart has them whole). */
const labelLength = 22;

/** Lines over months for percent series; the scale runs from 0 to 100 (or the largest value). */
export function lineChart(labels: readonly string[], series: ReadonlyArray<{ className: string; label: string; values: ReadonlyArray<number | null>; format: (value: number) => string }>): LineChart {
  const top = Math.max(100, ...series.flatMap((line) => line.values.filter((value): value is number => value !== null)));
  const innerWidth = plot.width - plot.left - plot.right;
  const innerHeight = plot.height - plot.top - plot.bottom;
  const xOf = (index: number) => round1(plot.left + (labels.length <= 1 ? innerWidth / 2 : (index * innerWidth) / (labels.length - 1)));
  const yOf = (value: number) => round1(plot.top + innerHeight - (value / top) * innerHeight);
  return {
    width: plot.width,
    height: plot.height,
    baseline: plot.top + innerHeight,
    gridLines: [0, 0.25, 0.5, 0.75, 1].map((share) => ({ y: yOf(share * top), label: `${Math.round(share * top)}%` })),
    xLabels: labels.map((label, index) => ({ x: xOf(index), label: sparseLabel(label, index, labels.length) })),
    series: series.map((line) => {
      const dots = line.values.flatMap((value, index) => (value === null ? [] : [{ x: xOf(index), y: yOf(value), title: `${labels[index]}: ${line.format(value)}` }]));
      return { className: line.className, label: line.label, points: dots.map((dot) => `${dot.x},${dot.y}`).join(' '), dots };
    }),
  };
}

/** Horizontal bars, one row each, scaled to the largest value. */
export function barChart(rows: ReadonlyArray<{ label: string; value: number; valueText: string; className?: string; href?: string }>): BarChart {
  const rowHeight = 30;
  const labelWidth = 170;
  const barSpace = plot.width - labelWidth - 90;
  const largest = Math.max(0, ...rows.map((row) => row.value));
  return {
    width: plot.width,
    height: Math.max(rowHeight, rows.length * rowHeight),
    labelWidth: labelWidth - 8,
    bars: rows.map((row, index) => {
      const width = largest === 0 ? 0 : round1(Math.max(row.value > 0 ? 2 : 0, (row.value / largest) * barSpace));
      return {
        y: index * rowHeight + 5,
        textY: index * rowHeight + 20,
        width,
        label: row.label.length > labelLength ? `${row.label.slice(0, labelLength - 1)}…` : row.label,
        fullLabel: row.label,
        valueText: row.valueText,
        valueX: round1(labelWidth + width + 6),
        className: row.className ?? 'chart-bar',
        href: row.href,
      };
    }),
  };
}

/** One column per month, stacked by key (a cause), scaled to the tallest column. */
export function stackedChart(labels: readonly string[], keys: ReadonlyArray<{ key: string; label: string; className: string }>, valueOf: (column: number, key: string) => number): StackedChart {
  const innerWidth = plot.width - plot.left - plot.right;
  const innerHeight = plot.height - plot.top - plot.bottom;
  const totals = labels.map((_, column) => keys.reduce((sum, { key }) => sum + valueOf(column, key), 0));
  const tallest = Math.max(0, ...totals);
  const slot = labels.length === 0 ? innerWidth : innerWidth / labels.length;
  const width = round1(slot * 0.7);
  const baseline = plot.top + innerHeight;
  return {
    width: plot.width,
    height: plot.height,
    baseline,
    columns: labels.map((label, column) => {
      const x = round1(plot.left + column * slot + (slot - width) / 2);
      let y = baseline;
      const segments = keys.flatMap(({ key, label: keyLabel, className }) => {
        const value = valueOf(column, key);
        if (value === 0 || tallest === 0) return [];
        const height = round1((value / tallest) * innerHeight);
        y = round1(y - height);
        return [{ y, height, width, className, title: `${label} · ${keyLabel}: ${value}` }];
      });
      return { x, labelX: round1(x + width / 2), label: sparseLabel(label, column, labels.length), segments };
    }),
  };
}

/** 0 (none) to 4 (the largest count): the heat table's shade. */
export function heatLevel(value: number, largest: number): number {
  return largest === 0 || value === 0 ? 0 : Math.max(1, Math.ceil((4 * value) / largest));
}

/** Past six months, every other (or third …) axis label only, so they do not overlap. */
function sparseLabel(label: string, index: number, count: number): string {
  return index % Math.ceil(count / 6) === 0 ? label : '';
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

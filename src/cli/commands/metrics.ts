/**
 * `npm run cli -- metrics [--period month|quarter] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`:
 * churn and retention rates per period, with lost customers by cause and churn by value tier.
 */
import { parseArgs } from 'node:util';
import type { PeriodMetrics } from '../../modules/customers/metrics/churn-metrics';
import { metricsQuerySchema } from '../../modules/customers/metrics/metrics.schemas';
import { churnReport, type ChurnReport } from '../../modules/customers/metrics/metrics.service';
import { valueTiers } from '../../modules/customers/vocabulary';
import { CliDatabaseError, withDatabase } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run cli -- metrics [--period month|quarter] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n';

export const metricsCommand: CliCommand = {
  description: 'Churn and retention rates per month or quarter, by cause and by value tier',

  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } } }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    const { json, ...raw } = values;
    const query = metricsQuerySchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)));
    if (!query.success) {
      process.stderr.write(`${query.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n')}\n${usage}`);
      return 2;
    }
    try {
      const report = await withDatabase(({ connection }) => churnReport(connection, query.data));
      process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : describeChurnReport(report));
      return 0;
    } catch (error) {
      if (error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

/** The report as a table, one line per period, then each period's causes and tiers. */
export function describeChurnReport(report: ChurnReport): string {
  const header = ['period', 'start', 'new', 'lost', 'end', 'churn %', 'retention %', 'won back', 'survey resp. %'];
  const rows = report.periods.map((p) => [
    p.period,
    String(p.customersAtStart),
    String(p.newCustomers),
    String(p.lost),
    String(p.customersAtEnd),
    rate(p.churnRate),
    rate(p.retentionRate),
    String(p.wonBack),
    rate(p.surveyResponses.rate),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const details = report.periods.flatMap((p) => detailLines(p));
  return `${[line(header), ...rows.map(line), '', ...details].join('\n')}\n`;
}

function detailLines(p: PeriodMetrics): string[] {
  const causes = Object.entries(p.byCause)
    .sort(([, a], [, b]) => b!.lost - a!.lost)
    .map(([cause, figures]) => `${cause} ${figures!.lost} (${figures!.share}%)`);
  const tiers = [...valueTiers, 'none' as const].filter((tier) => p.byTier[tier]).map((tier) => `${tier} ${rate(p.byTier[tier]!.churnRate)}%`);
  return [`${p.period}  lost by cause: ${causes.join(', ') || 'none'}`, `${' '.repeat(p.period.length)}  churn by tier: ${tiers.join(', ')}`];
}

function rate(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

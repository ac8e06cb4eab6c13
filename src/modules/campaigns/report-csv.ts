/**
 * A campaign's report as CSV: one row for the treated members (with the lift and its 95%
 * interval), one for the holdout, one per A/B variant and one per tier × cause cell. Text
 * cells are guarded against spreadsheet formulas like the customer export's (a campaign name
 * is whatever a marketer typed), and a byte-order mark makes spreadsheets read UTF-8.
 */
import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../customers/export/customers-csv';
import type { CampaignReport, GroupResult } from './report.service';

export const reportCsvColumns = [
  'campaign',
  'section',
  'variant',
  'tier',
  'cause',
  'members',
  'sent',
  'failed',
  'uncertain',
  'clicked',
  'won_back',
  'win_back_rate',
  'recovered_revenue',
  'lift',
  'lift_low',
  'lift_high',
] as const;

export function campaignReportCsv(report: CampaignReport): string {
  const name = report.campaign.name;
  const counts = (group: Partial<GroupResult> & { members: number; wonBack: number }) => [
    group.members,
    group.sent,
    group.failed,
    group.uncertain,
    group.clicked,
    group.wonBack,
    group.members > 0 ? round(group.wonBack / group.members) : undefined,
    group.recoveredRevenue,
  ];
  const rows: unknown[][] = [
    [name, 'treated', '', '', '', ...counts(report.treated), report.lift && round(report.lift.lift), report.lift && round(report.lift.low), report.lift && round(report.lift.high)],
    [name, 'holdout', '', '', '', ...counts(report.holdout)],
    ...report.byVariant.map((group) => [name, 'variant', group.variant, '', '', ...counts(group)]),
    ...report.byCell.map((group) => [name, 'cell', '', group.tier, group.cause, ...counts(group)]),
  ];
  return stringify(
    rows.map((row) => reportCsvColumns.map((_, i) => csvCell(row[i]))),
    { bom: true, header: true, columns: [...reportCsvColumns] },
  );
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * How causes and explanations read on staff pages: cause labels in the page's language (the
 * admins' renames from the stored taxonomy over the defaults), and an explanation as rows of
 * "signal · cause · words · share". The customer page can reuse both with the
 * `cause-explanation` partial.
 */
import type { Connection } from 'mongoose';
import type { Locale } from '../../shared/i18n';
import { causeCodes, causeTaxonomy, type CauseCode } from '../customers/causes';
import type { CauseExplanationItem } from '../customers/customer.model';
import { listCauses } from './taxonomy.service';

export interface CauseLabels {
  label(code: string | undefined): string;
  /** The causes staff may pick: the record's causes that are not retired, in report order. */
  choices: { code: CauseCode; label: string }[];
}

export async function causeLabels(connection: Connection, locale: Locale): Promise<CauseLabels> {
  const stored = await listCauses(connection, { includeRetired: true });
  const byCode = new Map(stored.map((cause) => [cause.code, cause]));
  const label = (code: string | undefined) => {
    if (!code) return '';
    return byCode.get(code)?.labels[locale] ?? causeTaxonomy[code as CauseCode]?.label[locale] ?? code;
  };
  return { label, choices: causeCodes.filter((code) => !byCode.get(code)?.retired).map((code) => ({ code, label: label(code) })) };
}

export interface ExplanationRow {
  signalKey: string;
  causeLabel: string;
  evidence: string;
  /** The share of the final score, as a whole percentage; negative speaks against the cause. */
  percent: number;
  against: boolean;
}

export function explanationRows(items: readonly CauseExplanationItem[] | undefined, labels: CauseLabels): ExplanationRow[] {
  return (items ?? []).map((item) => ({
    signalKey: `classification:signal.${item.signal}`,
    causeLabel: labels.label(item.cause),
    evidence: item.evidence,
    percent: Math.round(item.weight * 100),
    against: item.weight < 0,
  }));
}

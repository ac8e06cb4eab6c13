/**
 * How causes and explanations read on staff pages: cause labels in the page's language (the
 * admins' renames from the stored taxonomy over the defaults, retired causes marked so), the
 * causes pickers and filters offer, and an explanation as rows of
 * "signal · cause · words · share". The customer page can reuse both with the
 * `cause-explanation` partial.
 */
import type { Connection } from 'mongoose';
import { translate, type Locale } from '../../shared/i18n';
import type { CauseExplanationItem } from '../customers/customer.model';
import { KnownCauses, knownCauses } from './known-causes';

export interface CauseChoice {
  code: string;
  label: string;
  retired: boolean;
}

export interface CauseLabels {
  /** The cause's name in the page's language; a retired cause says so ("Competitor (retired)"). */
  label(code: string | undefined): string;
  /** The causes staff may assign (pickers): the active ones, in report order. */
  choices: CauseChoice[];
  /** The causes a filter or report may name: the active ones, then the retired ones old records carry. */
  filterChoices: CauseChoice[];
}

export async function causeLabels(connection: Connection, locale: Locale): Promise<CauseLabels> {
  return causeLabelsOf(await knownCauses(connection), locale);
}

/** The labels of a taxonomy already read (`KnownCauses.builtIn()` where there is no database). */
export function causeLabelsOf(known: KnownCauses, locale: Locale): CauseLabels {
  const label = (code: string | undefined) => {
    if (!code) return '';
    const name = known.label(code, locale);
    return known.find(code)?.retired ? translate(locale, 'classification:cause.retiredLabel', { label: name }) : name;
  };
  const choice = (cause: { code: string; retired: boolean }): CauseChoice => ({ code: cause.code, label: label(cause.code), retired: cause.retired });
  const active = known.all.filter((cause) => !cause.retired);
  const retired = known.all.filter((cause) => cause.retired);
  return { label, choices: active.map(choice), filterChoices: [...active, ...retired].map(choice) };
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

/**
 * What the builder offers for each field: the kind of input its value needs and, for fields
 * with fixed values, the options with their labels in the page's language. Cause fields offer
 * the stored taxonomy's causes, retired ones included (old records carry them).
 */
import type { CauseLabels } from '../classification/cause-view';
import { customerLocales, customerStatuses, rfmLevels, valueTiers } from '../customers/vocabulary';
import { localeLabels, type Locale } from '../../shared/i18n/locales';
import type { Translate } from '../../shared/i18n/translator';
import type { SegmentField } from './segment.schemas';

export type ValueKind = 'choices' | 'words' | 'dateRange' | 'days' | 'amount' | 'yesNo';

const kinds: Record<SegmentField, ValueKind> = {
  status: 'choices',
  valueTier: 'choices',
  cause: 'choices',
  secondaryCause: 'choices',
  churnedBetween: 'dateRange',
  inactiveForDays: 'days',
  rfmLevel: 'choices',
  locale: 'choices',
  plan: 'words',
  tags: 'words',
  surveyAnswered: 'yesNo',
  lastCampaignTouchDays: 'days',
  clv: 'amount',
};

export function valueKindOf(field: SegmentField): ValueKind {
  return kinds[field];
}

export interface ChoiceOption {
  value: string;
  label: string;
}

/** Whether the builder offers `value` for a choice field; for causes, whether it is one of `causeCodes` (the taxonomy's). */
export function isChoiceValue(field: SegmentField, value: string, causeCodes: readonly string[]): boolean {
  return (field === 'cause' || field === 'secondaryCause' ? causeCodes : fixedValuesOf(field)).includes(value);
}

export function choiceOptionsOf(field: SegmentField, t: Translate, causes: CauseLabels): ChoiceOption[] {
  if (field === 'cause' || field === 'secondaryCause') return causes.filterChoices.map((choice) => ({ value: choice.code, label: choice.label }));
  return fixedValuesOf(field).map((value) => ({ value, label: choiceLabel(field, value, t) }));
}

/** Cause labels by code, for the preview table and the page script. */
export function causeLabelsByCode(causes: CauseLabels): Record<string, string> {
  return Object.fromEntries(causes.filterChoices.map((choice) => [choice.code, choice.label]));
}

// ---------------------------------------------------------------------------------------------

/** The fixed values of a choice field other than causes; empty for the other kinds. */
function fixedValuesOf(field: SegmentField): readonly string[] {
  switch (field) {
    case 'status':
      return customerStatuses;
    case 'valueTier':
      return valueTiers;
    case 'rfmLevel':
      return rfmLevels;
    case 'locale':
      return customerLocales;
    default:
      return [];
  }
}

function choiceLabel(field: SegmentField, value: string, t: Translate): string {
  switch (field) {
    case 'status':
      return t(`segments:status.${value}`);
    case 'rfmLevel':
      return t(`segments:rfm.${value}`);
    case 'locale':
      return localeLabels[value as Locale] ?? value;
    default:
      // Tiers are written the same in every language (VIP, A … D).
      return value;
  }
}

/**
 * What the builder offers for each field: the kind of input its value needs and, for fields
 * with fixed values, the options with their labels in the page's language.
 */
import { causeCodes, causeTaxonomy } from '../customers/causes';
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

/** The fixed values a choice field accepts; empty for the other kinds. */
export function choiceValuesOf(field: SegmentField): readonly string[] {
  switch (field) {
    case 'status':
      return customerStatuses;
    case 'valueTier':
      return valueTiers;
    case 'cause':
    case 'secondaryCause':
      return causeCodes;
    case 'rfmLevel':
      return rfmLevels;
    case 'locale':
      return customerLocales;
    default:
      return [];
  }
}

export function choiceOptionsOf(field: SegmentField, t: Translate, locale: Locale): ChoiceOption[] {
  return choiceValuesOf(field).map((value) => ({ value, label: choiceLabel(field, value, t, locale) }));
}

/** Cause labels by code, for the preview table and the page script. */
export function causeLabels(locale: Locale): Record<string, string> {
  return Object.fromEntries(causeCodes.map((code) => [code, causeTaxonomy[code].label[locale]]));
}

function choiceLabel(field: SegmentField, value: string, t: Translate, locale: Locale): string {
  switch (field) {
    case 'status':
      return t(`segments:status.${value}`);
    case 'rfmLevel':
      return t(`segments:rfm.${value}`);
    case 'cause':
    case 'secondaryCause':
      return causeLabels(locale)[value] ?? value;
    case 'locale':
      return localeLabels[value as Locale] ?? value;
    default:
      // Tiers are written the same in every language (VIP, A … D).
      return value;
  }
}

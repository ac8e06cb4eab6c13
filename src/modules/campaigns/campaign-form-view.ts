/**
 * The campaign form page's view model: every row with its options, the values typed so far and
 * the problem beside each field, a summary of all problems linking to their fields, the merge
 * fields a message may use, and the message preview. Labels are resolved here so the template
 * only places them.
 */
import type { Locale } from '../../shared/i18n/locales';
import type { Translate } from '../../shared/i18n/translator';
import type { CauseLabels } from '../classification/cause-view';
import { valueTiers } from '../customers/vocabulary';
import { offerActions } from './campaign.model';
import { formLimits, keepAudience, sendsMail, type CampaignForm, type LocalizedFields } from './campaign-form';
import type { MessagePreview } from './preview.service';
import { mergeFields } from './templates';

export interface CampaignFormPage {
  form: CampaignForm;
  /** Problems by field path, already in the page's language. */
  errors: Record<string, string>;
  segments: Array<{ id: string; name: string }>;
  /** The campaign has an audience of its own (made without a saved segment), which may be kept. */
  ownAudience: boolean;
  preview: MessagePreview | null | undefined;
  t: Translate;
  locale: Locale;
  /** The taxonomy's causes: offer rules are given to the active ones (and keep a retired one they already name). */
  causes: CauseLabels;
}

export function campaignFormView({ form, errors, segments, ownAudience, preview, t, causes }: CampaignFormPage) {
  const at = (path: string) => errors[path];
  const under = (path: string) => at(path) ?? Object.entries(errors).find(([field]) => field.startsWith(`${path}.`))?.[1];
  const field = (path: string, value: string, error = at(path)) => ({ id: fieldId(path), name: path, value, error });

  return {
    name: field('name', form.name),
    goal: field('goal', form.goal),
    segment: {
      ...field('segmentId', form.segmentId),
      options: [
        { value: '', label: t('campaigns:form.chooseSegment'), selected: form.segmentId === '' },
        ...(ownAudience ? [{ value: keepAudience, label: t('campaigns:form.keepAudience'), selected: form.segmentId === keepAudience }] : []),
        ...segments.map((segment) => ({ value: segment.id, label: segment.name, selected: segment.id === form.segmentId })),
      ],
    },
    holdoutPercent: field('holdoutPercent', form.holdoutPercent),
    offersError: at('offers'),
    offers: form.offers.map((offer, i) => {
      const path = `offers.${i}`;
      return {
        number: i + 1,
        path,
        id: fieldId(path),
        tiers: {
          id: fieldId(`${path}.tiers`),
          name: `${path}.tiers`,
          error: under(`${path}.tiers`),
          options: ['*', ...valueTiers, 'none'].map((tier) => ({ value: tier, label: tier === '*' ? t('campaigns:form.anyTier') : tier === 'none' ? t('campaigns:form.noTier') : tier, checked: offer.tiers.includes(tier) })),
        },
        causes: {
          id: fieldId(`${path}.causes`),
          name: `${path}.causes`,
          error: under(`${path}.causes`),
          options: causeOptions(offer.causes, causes, t),
        },
        action: {
          ...field(`${path}.action`, offer.action),
          options: offerActions.map((action) => ({ value: action, label: t(`campaigns:action.${action}`), selected: action === offer.action })),
        },
        discountPercent: field(`${path}.discountPercent`, offer.discountPercent),
        couponCode: field(`${path}.couponCode`, offer.couponCode),
        freeMonths: field(`${path}.freeMonths`, offer.freeMonths),
        plan: field(`${path}.plan`, offer.plan),
        sendsMail: sendsMail(offer.action),
        variantsError: at(`${path}.variants`),
        variants: offer.variants.map((variant, j) => {
          const variantPath = `${path}.variants.${j}`;
          return {
            key: field(`${variantPath}.key`, variant.key),
            weight: field(`${variantPath}.weight`, variant.weight),
            texts: localizedFields(variantPath, variant, errors, t),
            removeAction: `removeVariant:${i}:${j}`,
          };
        }),
        canAddVariant: offer.variants.length < formLimits.variants,
        addVariantAction: `addVariant:${i}`,
        removeAction: `removeOffer:${i}`,
      };
    }),
    canAddOffer: form.offers.length < formLimits.offers,
    stepsError: at('steps'),
    steps: form.steps.map((step, i) => {
      const texts = localizedFields(`steps.${i}`, step, errors, t);
      return {
        number: i + 1,
        day: field(`steps.${i}.day`, step.day),
        texts,
        // The override stays folded away unless it says something or has a problem.
        open: texts.some((text) => text.value.trim() !== '' || text.error !== undefined),
        removeAction: form.steps.length > 1 ? `removeStep:${i}` : null,
      };
    }),
    canAddStep: form.steps.length < formLimits.steps,
    schedule: {
      startAt: field('schedule.startAt', form.schedule.startAt),
      windowStartHour: field('schedule.windowStartHour', form.schedule.windowStartHour),
      windowEndHour: field('schedule.windowEndHour', form.schedule.windowEndHour),
      weekdaysOnly: { ...field('schedule.weekdaysOnly', ''), checked: form.schedule.weekdaysOnly },
      throttlePerMinute: field('schedule.throttlePerMinute', form.schedule.throttlePerMinute),
      frequencyCapDays: field('schedule.frequencyCapDays', form.schedule.frequencyCapDays),
      defaultTimezone: field('schedule.defaultTimezone', form.schedule.defaultTimezone),
    },
    timezones: timeZones(),
    landingUrl: field('landingUrl', form.landingUrl),
    attributionDays: field('attributionDays', form.attributionDays),
    mergeFields: mergeFields.map((name) => ({ code: `{{${name}}}`, help: t(`campaigns:merge.${name}`) })),
    problems: Object.entries(errors).map(([path, message]) => ({ href: `#${fieldId(anchorOf(path))}`, label: labelOf(path, t), message })),
    preview: preview === undefined ? undefined : preview && previewView(preview, t, causes),
  };
}

/** `offers.0.variants.1.body.en` → `f-offers-0-variants-1-body-en`: a valid, unique element id. */
export function fieldId(path: string): string {
  return `f-${path.replace(/\./g, '-')}`;
}

// ---------------------------------------------------------------------------------------------

function localizedFields(path: string, texts: { subject: LocalizedFields; body: LocalizedFields }, errors: Record<string, string>, t: Translate) {
  return (['subject', 'body'] as const).flatMap((part) =>
    (['en', 'zh-CN'] as const).map((language) => {
      const name = `${path}.${part}.${language}`;
      return {
        id: fieldId(name),
        name,
        value: texts[part][language],
        error: errors[name] ?? errors[`${path}.${part}`],
        label: `${t(`campaigns:form.${part}`)} (${t(`campaigns:form.language.${language}`)})`,
        multiline: part === 'body',
        maxlength: part === 'body' ? 20_000 : 300,
      };
    }),
  );
}

/** Any cause, the active causes, and the others the rule already names (a cause retired since, or one typed in a crafted post). */
function causeOptions(chosen: readonly string[], causes: CauseLabels, t: Translate) {
  const offered = ['*', ...causes.choices.map((choice) => choice.code)];
  const kept = chosen.filter((cause) => !offered.includes(cause));
  return [...offered, ...new Set(kept)].map((cause) => ({ value: cause, label: cause === '*' ? t('campaigns:form.anyCause') : causes.label(cause), checked: chosen.includes(cause) }));
}

function previewView(preview: MessagePreview, t: Translate, causes: CauseLabels) {
  return {
    ...preview,
    causeLabel: causes.label(preview.customer.cause),
    ruleNumber: preview.rule + 1,
    outcome: preview.action === 'none' ? t('campaigns:preview.noRule') : preview.action === 'exclude' ? t('campaigns:preview.excluded') : preview.action === 'personal_call' ? t('campaigns:preview.call') : null,
  };
}

/** A list's problem (`offers.0.tiers.2`) points at the list's own field. */
function anchorOf(path: string): string {
  return path.replace(/\.(tiers|causes)\.\d+$/, '.$1');
}

/** "Rule 2 · Variant B · Body (中文)" for `offers.1.variants.1.body.zh-CN`. */
function labelOf(path: string, t: Translate): string {
  const parts = path.split('.');
  const labels: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (part === 'offers' && next !== undefined && /^\d+$/.test(next)) {
      labels.push(t('campaigns:form.ruleNumber', { number: Number(next) + 1 }));
      i++;
    } else if (part === 'variants' && next !== undefined && /^\d+$/.test(next)) {
      labels.push(t('campaigns:form.variantNumber', { number: Number(next) + 1 }));
      i++;
    } else if (part === 'steps' && next !== undefined && /^\d+$/.test(next)) {
      labels.push(t('campaigns:form.stepNumber', { number: Number(next) + 1 }));
      i++;
    } else if (part === 'en' || part === 'zh-CN') {
      labels[labels.length - 1] += ` (${t(`campaigns:form.language.${part}`)})`;
    } else if (/^\d+$/.test(part) || part === 'schedule') {
      continue;
    } else {
      labels.push(t(`campaigns:field.${part}`));
    }
  }
  return labels.join(' · ');
}

let zones: string[] | undefined;
function timeZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return zones;
}

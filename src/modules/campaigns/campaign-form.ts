/**
 * The campaign form without JavaScript: the posted fields read back into a form draft (text as
 * typed, so a page shown again loses nothing), the form's buttons (add or remove an offer rule,
 * an A/B variant, a step; preview; save) applied to it, and the draft turned into the input
 * `createCampaign` validates.
 *
 * Field names are the campaign's own paths (`offers.0.variants.1.body.en`), so a validation
 * problem's path names its input. Only the shapes below are read; any other posted name is
 * ignored, never merged into an object.
 */
import type { Campaign, OfferAction } from './campaign.model';
import type { CampaignDraftInput } from './campaign.schemas';
import { dateFromLocalInput, localInputOf } from './local-time';

export interface LocalizedFields {
  en: string;
  'zh-CN': string;
}
export interface VariantRow {
  key: string;
  weight: string;
  subject: LocalizedFields;
  body: LocalizedFields;
}
export interface OfferRow {
  tiers: string[];
  causes: string[];
  action: string;
  discountPercent: string;
  couponCode: string;
  freeMonths: string;
  plan: string;
  variants: VariantRow[];
}
export interface StepRow {
  day: string;
  subject: LocalizedFields;
  body: LocalizedFields;
}
export interface CampaignForm {
  name: string;
  goal: string;
  /** A saved segment's id, `keep` (the campaign's own audience), or empty. */
  segmentId: string;
  holdoutPercent: string;
  offers: OfferRow[];
  steps: StepRow[];
  schedule: {
    startAt: string;
    windowStartHour: string;
    windowEndHour: string;
    weekdaysOnly: boolean;
    throttlePerMinute: string;
    frequencyCapDays: string;
    defaultTimezone: string;
  };
  landingUrl: string;
  attributionDays: string;
}

export type FormAction =
  | { kind: 'save' }
  | { kind: 'preview' }
  | { kind: 'addOffer' }
  | { kind: 'removeOffer'; offer: number }
  | { kind: 'addVariant'; offer: number }
  | { kind: 'removeVariant'; offer: number; variant: number }
  | { kind: 'addStep' }
  | { kind: 'removeStep'; step: number };

/** What the form offers room for (the schema allows a little more for API callers). */
export const formLimits = { offers: 20, variants: 3, steps: 5 } as const;
export const variantKeys = ['A', 'B', 'C', 'D', 'E'] as const;
/** The `segmentId` choice that keeps a campaign's own audience (one made without a saved segment). */
export const keepAudience = 'keep';

/** A new campaign: a 20% discount for everyone, one message, starting tomorrow at 9:00 UTC. */
export function newCampaignForm(now = new Date()): CampaignForm {
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9));
  return {
    name: '',
    goal: '',
    segmentId: '',
    holdoutPercent: '10',
    offers: [{ ...newOffer(), action: 'discount', discountPercent: '20' }],
    steps: [{ day: '0', subject: blank(), body: blank() }],
    schedule: { startAt: localInputOf(tomorrow, 'UTC'), windowStartHour: '9', windowEndHour: '18', weekdaysOnly: true, throttlePerMinute: '600', frequencyCapDays: '7', defaultTimezone: 'UTC' },
    landingUrl: '',
    attributionDays: '30',
  };
}

/** The form as a stored campaign fills it. */
export function formOfCampaign(campaign: Campaign): CampaignForm {
  const text = (value: number | undefined) => (value === undefined || value === null ? '' : String(value));
  const localized = (value: Partial<LocalizedFields> | undefined): LocalizedFields => ({ en: value?.en ?? '', 'zh-CN': value?.['zh-CN'] ?? '' });
  return {
    name: campaign.name,
    goal: campaign.goal ?? '',
    segmentId: campaign.segmentId ? String(campaign.segmentId) : keepAudience,
    holdoutPercent: text(campaign.holdoutPercent),
    offers: campaign.offers.map((offer) => ({
      tiers: [...offer.tiers],
      causes: [...offer.causes],
      action: offer.action,
      discountPercent: text(offer.discountPercent),
      couponCode: offer.couponCode ?? '',
      freeMonths: text(offer.freeMonths),
      plan: offer.plan ?? '',
      variants: offer.variants.map((variant) => ({ key: variant.key, weight: text(variant.weight), subject: localized(variant.subject), body: localized(variant.body) })),
    })),
    steps: campaign.steps.map((step) => ({ day: text(step.day), subject: localized(step.subject), body: localized(step.body) })),
    schedule: {
      startAt: localInputOf(campaign.schedule.startAt, campaign.schedule.defaultTimezone),
      windowStartHour: text(campaign.schedule.windowStartHour),
      windowEndHour: text(campaign.schedule.windowEndHour),
      weekdaysOnly: campaign.schedule.weekdaysOnly,
      throttlePerMinute: text(campaign.schedule.throttlePerMinute),
      frequencyCapDays: text(campaign.schedule.frequencyCapDays),
      defaultTimezone: campaign.schedule.defaultTimezone,
    },
    landingUrl: campaign.landingUrl,
    attributionDays: text(campaign.attributionDays),
  };
}

export function readCampaignForm(body: unknown): { form: CampaignForm; action: FormAction } {
  const fields = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const offers: Partial<OfferRow>[] = [];
  const steps: Partial<StepRow>[] = [];
  const offerAt = (i: number) => (offers[i] ??= { variants: [] });
  const variantAt = (i: number, j: number) => ((offerAt(i).variants as Partial<VariantRow>[])[j] ??= { subject: blank(), body: blank() }) as VariantRow;
  const stepAt = (i: number) => (steps[i] ??= { subject: blank(), body: blank() });

  for (const [name, value] of Object.entries(fields)) {
    let parts: RegExpExecArray | null;
    if ((parts = /^offers\.(\d{1,2})\.(tiers|causes)$/.exec(name)) && below(parts[1], formLimits.offers)) {
      offerAt(Number(parts[1]))[parts[2] as 'tiers' | 'causes'] = list(value);
    } else if ((parts = /^offers\.(\d{1,2})\.(action|discountPercent|couponCode|freeMonths|plan)$/.exec(name)) && below(parts[1], formLimits.offers)) {
      offerAt(Number(parts[1]))[parts[2] as 'action'] = text(value);
    } else if ((parts = /^offers\.(\d{1,2})\.variants\.(\d)\.(key|weight)$/.exec(name)) && below(parts[1], formLimits.offers) && below(parts[2], formLimits.variants)) {
      variantAt(Number(parts[1]), Number(parts[2]))[parts[3] as 'key' | 'weight'] = text(value);
    } else if ((parts = /^offers\.(\d{1,2})\.variants\.(\d)\.(subject|body)\.(en|zh-CN)$/.exec(name)) && below(parts[1], formLimits.offers) && below(parts[2], formLimits.variants)) {
      variantAt(Number(parts[1]), Number(parts[2]))[parts[3] as 'subject' | 'body'][parts[4] as 'en' | 'zh-CN'] = text(value);
    } else if ((parts = /^steps\.(\d)\.day$/.exec(name)) && below(parts[1], formLimits.steps)) {
      stepAt(Number(parts[1])).day = text(value);
    } else if ((parts = /^steps\.(\d)\.(subject|body)\.(en|zh-CN)$/.exec(name)) && below(parts[1], formLimits.steps)) {
      stepAt(Number(parts[1]))[parts[2] as 'subject' | 'body']![parts[3] as 'en' | 'zh-CN'] = text(value);
    }
  }

  const form: CampaignForm = {
    name: text(fields.name),
    goal: text(fields.goal),
    segmentId: text(fields.segmentId),
    holdoutPercent: text(fields.holdoutPercent),
    // Indexes with gaps (a row removed in a stale page) close up.
    offers: offers.filter(Boolean).map((offer) => ({
      tiers: offer.tiers ?? [],
      causes: offer.causes ?? [],
      action: offer.action ?? '',
      discountPercent: offer.discountPercent ?? '',
      couponCode: offer.couponCode ?? '',
      freeMonths: offer.freeMonths ?? '',
      plan: offer.plan ?? '',
      variants: (offer.variants ?? []).filter(Boolean).map((variant) => ({ key: variant.key ?? '', weight: variant.weight ?? '', subject: variant.subject, body: variant.body })),
    })),
    steps: steps.filter(Boolean).map((step) => ({ day: step.day ?? '', subject: step.subject ?? blank(), body: step.body ?? blank() })),
    schedule: {
      startAt: text(fields['schedule.startAt']),
      windowStartHour: text(fields['schedule.windowStartHour']),
      windowEndHour: text(fields['schedule.windowEndHour']),
      weekdaysOnly: fields['schedule.weekdaysOnly'] !== undefined,
      throttlePerMinute: text(fields['schedule.throttlePerMinute']),
      frequencyCapDays: text(fields['schedule.frequencyCapDays']),
      defaultTimezone: text(fields['schedule.defaultTimezone']),
    },
    landingUrl: text(fields.landingUrl),
    attributionDays: text(fields.attributionDays),
  };
  return { form, action: readAction(fields.action) };
}

/** The form after one of its add/remove buttons; `save` and `preview` leave it as it is. */
export function applyFormAction(form: CampaignForm, action: FormAction): CampaignForm {
  const offers = form.offers.map((offer) => ({ ...offer, variants: [...offer.variants] }));
  const steps = [...form.steps];
  const offer = 'offer' in action ? offers[action.offer] : undefined;
  switch (action.kind) {
    case 'addOffer':
      if (offers.length < formLimits.offers) offers.push(newOffer());
      break;
    case 'removeOffer':
      if (offer) offers.splice(action.offer, 1);
      break;
    case 'addVariant':
      if (offer && offer.variants.length < formLimits.variants) offer.variants.push(newVariant(variantKeys.find((key) => !offer.variants.some((variant) => variant.key === key)) ?? 'X'));
      break;
    case 'removeVariant':
      offer?.variants.splice(action.variant, 1);
      break;
    case 'addStep': {
      const lastDay = Number(steps.at(-1)?.day);
      if (steps.length < formLimits.steps) steps.push({ day: Number.isFinite(lastDay) ? String(lastDay + 7) : '', subject: blank(), body: blank() });
      break;
    }
    case 'removeStep':
      if (steps.length > 1) steps.splice(action.step, 1);
      break;
  }
  return { ...form, offers, steps };
}

/**
 * What `createCampaign` / `updateCampaign` validate. Numbers are read where they are numbers;
 * anything else is passed on as typed, so the schema names the field. Variants left empty on a
 * rule that sends no e-mail are dropped.
 */
export function draftInputOf(form: CampaignForm, audience: { segmentId?: string; audience?: unknown }): CampaignDraftInput {
  const startAt = dateFromLocalInput(form.schedule.startAt, form.schedule.defaultTimezone.trim() || 'UTC');
  const draft = {
    name: form.name,
    goal: optionalText(form.goal),
    ...(audience.segmentId ? { segmentId: audience.segmentId } : {}),
    audience: audience.audience,
    offers: form.offers.map((offer) => ({
      tiers: offer.tiers,
      causes: offer.causes,
      action: offer.action,
      discountPercent: numberOf(offer.discountPercent),
      couponCode: optionalText(offer.couponCode),
      freeMonths: numberOf(offer.freeMonths),
      plan: optionalText(offer.plan),
      variants: offer.variants
        .filter((variant) => sendsMail(offer.action) || !isBlankVariant(variant))
        .map((variant) => ({ key: variant.key, weight: numberOf(variant.weight), subject: variant.subject, body: variant.body })),
    })),
    holdoutPercent: numberOf(form.holdoutPercent),
    steps: form.steps.map((step) => ({ day: numberOf(step.day), subject: optionalLocalized(step.subject), body: optionalLocalized(step.body) })),
    schedule: {
      startAt: startAt ?? (form.schedule.startAt.trim() === '' ? undefined : 'not a date'),
      windowStartHour: numberOf(form.schedule.windowStartHour),
      windowEndHour: numberOf(form.schedule.windowEndHour),
      weekdaysOnly: form.schedule.weekdaysOnly,
      throttlePerMinute: numberOf(form.schedule.throttlePerMinute),
      frequencyCapDays: numberOf(form.schedule.frequencyCapDays),
      defaultTimezone: optionalText(form.schedule.defaultTimezone),
    },
    landingUrl: form.landingUrl.trim(),
    attributionDays: numberOf(form.attributionDays),
  };
  // Checked by createCampaign's schema, which reports every wrong field by its path.
  return draft as unknown as CampaignDraftInput;
}

export function sendsMail(action: string): boolean {
  return action !== 'exclude' && action !== 'personal_call';
}

// ---------------------------------------------------------------------------------------------

function newOffer(): OfferRow {
  return { tiers: ['*'], causes: ['*'], action: 'discount' satisfies OfferAction, discountPercent: '', couponCode: '', freeMonths: '', plan: '', variants: [newVariant('A')] };
}

function newVariant(key: string): VariantRow {
  return { key, weight: '1', subject: blank(), body: blank() };
}

function blank(): LocalizedFields {
  return { en: '', 'zh-CN': '' };
}

function isBlankVariant(variant: VariantRow): boolean {
  return [variant.subject.en, variant.subject['zh-CN'], variant.body.en, variant.body['zh-CN']].every((value) => value.trim() === '');
}

function optionalLocalized(value: LocalizedFields): LocalizedFields | undefined {
  return value.en.trim() === '' && value['zh-CN'].trim() === '' ? undefined : value;
}

function numberOf(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function optionalText(value: string): string | undefined {
  return value.trim() === '' ? undefined : value;
}

function readAction(posted: unknown): FormAction {
  const [kind, first, second] = text(posted).split(':');
  const offer = Number(first);
  const index = Number(second);
  if (kind === 'preview' || kind === 'addOffer' || kind === 'addStep') return { kind };
  if (kind === 'removeOffer' && Number.isInteger(offer)) return { kind, offer };
  if (kind === 'addVariant' && Number.isInteger(offer)) return { kind, offer };
  if (kind === 'removeVariant' && Number.isInteger(offer) && Number.isInteger(index)) return { kind, offer, variant: index };
  if (kind === 'removeStep' && Number.isInteger(offer)) return { kind, step: offer };
  return { kind: 'save' };
}

function below(index: string, limit: number): boolean {
  return Number(index) < limit;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
}

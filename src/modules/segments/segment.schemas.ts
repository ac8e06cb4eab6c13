/**
 * What a segment definition may say: AND/OR groups of conditions over a fixed whitelist of
 * customer fields, each with the operators that make sense for it. Only a definition that
 * passed this schema is ever compiled into a database filter, so a request body can never
 * reach the query as raw operators.
 *
 * The same schema reads JSON (the preview endpoint, the API) and HTML form posts (the
 * builder), so values are coerced from strings where a form sends strings. Messages are
 * translation keys; `validationErrorOf` turns them into text for JSON clients.
 *
 * Cause values are checked for their shape only: whether the taxonomy knows them is asked by
 * the services (segment-causes.ts), since admins add causes at run time.
 */
import { z } from 'zod';
import { causeCodeField } from '../customers/causes';
import { customerLocales, customerStatuses, rfmLevels, valueTiers } from '../customers/vocabulary';

/** Largest definitions accepted: enough for any real audience, small enough to keep queries cheap. */
export const segmentLimits = { groups: 10, conditionsPerGroup: 20, values: 50, textLength: 100, days: 3650 } as const;

export const segmentFields = [
  'status',
  'valueTier',
  'cause',
  'secondaryCause',
  'churnedBetween',
  'inactiveForDays',
  'rfmLevel',
  'locale',
  'plan',
  'tags',
  'surveyAnswered',
  'lastCampaignTouchDays',
  'clv',
] as const;
export type SegmentField = (typeof segmentFields)[number];

/** The operators each field accepts, first one the default the builder offers. */
export const operatorsByField = {
  status: ['in', 'nin'],
  valueTier: ['in', 'nin'],
  cause: ['in', 'nin'],
  secondaryCause: ['in', 'nin'],
  churnedBetween: ['between'],
  inactiveForDays: ['gte'],
  rfmLevel: ['in'],
  locale: ['in'],
  plan: ['in'],
  tags: ['anyOf', 'allOf'],
  surveyAnswered: ['is'],
  lastCampaignTouchDays: ['gte'],
  clv: ['gte', 'lte'],
} as const satisfies Record<SegmentField, readonly string[]>;

const condition = z.discriminatedUnion(
  'field',
  [
    z.object({ field: z.literal('status'), op: operator('status'), value: choices(customerStatuses) }),
    z.object({ field: z.literal('valueTier'), op: operator('valueTier'), value: choices(valueTiers) }),
    z.object({ field: z.literal('cause'), op: operator('cause'), value: causeChoices() }),
    z.object({ field: z.literal('secondaryCause'), op: operator('secondaryCause'), value: causeChoices() }),
    z.object({ field: z.literal('churnedBetween'), op: operator('churnedBetween'), value: dateRange() }),
    z.object({ field: z.literal('inactiveForDays'), op: operator('inactiveForDays'), value: days() }),
    z.object({ field: z.literal('rfmLevel'), op: operator('rfmLevel'), value: choices(rfmLevels) }),
    z.object({ field: z.literal('locale'), op: operator('locale'), value: choices(customerLocales) }),
    z.object({ field: z.literal('plan'), op: operator('plan'), value: words() }),
    z.object({ field: z.literal('tags'), op: operator('tags'), value: words() }),
    z.object({ field: z.literal('surveyAnswered'), op: operator('surveyAnswered'), value: yesOrNo() }),
    z.object({ field: z.literal('lastCampaignTouchDays'), op: operator('lastCampaignTouchDays'), value: days() }),
    z.object({ field: z.literal('clv'), op: operator('clv'), value: amount() }),
  ],
  { error: 'segments:validation.field' },
);

const match = z.enum(['all', 'any'], { error: 'common:validation.choice' });

const group = z.object({
  match,
  conditions: z.array(condition).min(1, 'segments:validation.noConditions').max(segmentLimits.conditionsPerGroup, 'segments:validation.tooManyConditions'),
});

export const segmentDefinitionSchema = z.object({
  match,
  groups: z.array(group).min(1, 'segments:validation.noConditions').max(segmentLimits.groups, 'segments:validation.tooManyGroups'),
});

export type SegmentDefinition = z.output<typeof segmentDefinitionSchema>;
export type SegmentGroup = SegmentDefinition['groups'][number];
export type SegmentCondition = SegmentGroup['conditions'][number];

/** A saved segment as staff create or edit it. */
export const savedSegmentInputSchema = z.object({
  name: z.string({ error: 'common:validation.required' }).trim().min(1, 'common:validation.required').max(120, 'common:validation.tooLong'),
  description: z.string().trim().max(1000, 'common:validation.tooLong').optional().default(''),
  definition: segmentDefinitionSchema,
});
export type SavedSegmentInput = z.output<typeof savedSegmentInputSchema>;

/** The preview endpoint's options besides the definition. */
export const previewSampleSize = { default: 10, max: 50 } as const;

// ---------------------------------------------------------------------------------------------

function operator<F extends SegmentField>(field: F) {
  return z.enum(operatorsByField[field], { error: 'segments:validation.op' });
}

/** A multi-select arrives as a string when one option is picked, as an array when several are. */
function asList(value: unknown): unknown[] {
  return value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];
}

function choices<const T extends readonly [string, ...string[]]>(options: T) {
  return listOfChoices(z.enum(options, { error: 'common:validation.choice' }));
}

function causeChoices() {
  return listOfChoices(causeCodeField('common:validation.choice'));
}

function listOfChoices(item: z.ZodType<string>) {
  return z.preprocess(asList, z.array(item).min(1, 'segments:validation.values').max(segmentLimits.values, 'segments:validation.tooManyValues'));
}

/** Free words (plans, tags): a list, or one comma-separated line from a text input; blanks dropped, duplicates kept once. */
function words() {
  const split = (value: unknown) =>
    asList(value)
      .flatMap((entry) => (typeof entry === 'string' ? entry.split(',') : [entry]))
      .map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
      .filter((entry) => entry !== '');
  return z.preprocess(
    split,
    z
      .array(z.string({ error: 'segments:validation.text' }).max(segmentLimits.textLength, 'common:validation.tooLong'))
      .min(1, 'segments:validation.values')
      .max(segmentLimits.values, 'segments:validation.tooManyValues')
      .transform((list) => [...new Set(list)]),
  );
}

function endOfDateOnly(value: unknown): unknown {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T23:59:59.999Z` : value;
}

function blankIsMissing(value: unknown): unknown {
  return value === '' || value === null ? undefined : value;
}

function date() {
  return z.preprocess(blankIsMissing, z.coerce.date({ error: 'segments:validation.date' }));
}

/** Both ends included: a date-only `to` (`2026-03-31`, as a form sends it) means the end of that day, UTC. */
function dateRange() {
  return z
    .object({ from: date(), to: z.preprocess(endOfDateOnly, date()) }, { error: 'segments:validation.date' })
    .refine((range) => range.from.getTime() <= range.to.getTime(), { path: ['to'], message: 'segments:validation.dateOrder' });
}

function days() {
  return z.preprocess(
    blankIsMissing,
    z.coerce.number({ error: 'segments:validation.days' }).int('segments:validation.days').min(1, 'segments:validation.days').max(segmentLimits.days, 'segments:validation.days'),
  );
}

function amount() {
  return z.preprocess(blankIsMissing, z.coerce.number({ error: 'segments:validation.amount' }).min(-1e12, 'segments:validation.amount').max(1e12, 'segments:validation.amount'));
}

function yesOrNo() {
  const fromForm = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);
  return z.preprocess(fromForm, z.boolean({ error: 'segments:validation.yesNo' }));
}

/**
 * The builder page's view model: every group and condition row with its options, the value
 * input its field needs, the values typed so far and the problems found, plus the preview.
 * Labels are resolved here so the template only places them.
 */
import type { Translate } from '../../shared/i18n/translator';
import type { CauseLabels } from '../classification/cause-view';
import type { SegmentPreview } from './audience.service';
import { causeLabelsByCode, choiceOptionsOf, valueKindOf } from './segment-choices';
import type { DraftCondition, DraftDefinition } from './segment-form';
import { operatorsByField, segmentFields, segmentLimits, type SegmentField } from './segment.schemas';
import { suppressionNames } from './suppressions';

/** Problems by path inside the definition (`groups.0.conditions.1.value`), as translation keys. */
export type DefinitionErrors = Record<string, string>;

export interface BuilderPage {
  definition: DraftDefinition;
  errors: DefinitionErrors;
  preview: SegmentPreview | null;
  t: Translate;
  /** The taxonomy's cause labels in the page's language (cause conditions offer every cause, retired ones marked). */
  causes: CauseLabels;
}

export function builderView({ definition, errors, preview, t, causes }: BuilderPage) {
  return {
    matchOptions: matchOptions(definition.match, t, 'segments:match'),
    matchError: errors.match,
    groupsError: errors.groups,
    groups: definition.groups.map((group, g) => ({
      number: g + 1,
      index: g,
      path: `groups.${g}`,
      matchOptions: matchOptions(group.match, t, 'segments:group.match'),
      conditionsError: errors[`groups.${g}.conditions`],
      canAddCondition: group.conditions.length < segmentLimits.conditionsPerGroup,
      conditions: group.conditions.map((condition, c) => conditionView(condition, `groups.${g}.conditions.${c}`, { g, c }, errors, { t, causes })),
    })),
    canAddGroup: definition.groups.length < segmentLimits.groups,
    preview: preview && previewView(preview, causes),
    // Listed even without a preview, so the page script has a place for every count.
    suppressions: suppressionNames.map((name) => ({ name, label: t(`segments:suppressed.${name}`), counted: preview !== null, count: preview?.suppressed[name] ?? 0 })),
    causeLabelsJson: JSON.stringify(causeLabelsByCode(causes)),
  };
}

// ---------------------------------------------------------------------------------------------

function conditionView(condition: DraftCondition, path: string, position: { g: number; c: number }, errors: DefinitionErrors, { t, causes }: { t: Translate; causes: CauseLabels }) {
  const field = (segmentFields as readonly string[]).includes(condition.field) ? (condition.field as SegmentField) : segmentFields[0];
  const kind = valueKindOf(field);
  const chosen = new Set(Array.isArray(condition.value) ? condition.value.map(String) : []);
  const range = (condition.value ?? {}) as { from?: string; to?: string };
  return {
    id: `g${position.g}c${position.c}`,
    name: `definition.${path}`,
    path,
    removeAction: `removeCondition:${position.g}:${position.c}`,
    fieldOptions: segmentFields.map((value) => ({ value, label: t(`segments:field.${value}`), selected: value === field })),
    opOptions: operatorsByField[field].map((value: string) => ({ value, label: t(`segments:op.${field}.${value}`), selected: value === condition.op })),
    kind,
    choices: kind === 'choices' ? choiceOptionsOf(field, t, causes).map((option) => ({ ...option, checked: chosen.has(option.value) })) : [],
    text: kind === 'words' && Array.isArray(condition.value) ? condition.value.join(', ') : typeof condition.value === 'string' ? condition.value : '',
    from: typeof range.from === 'string' ? range.from : '',
    to: typeof range.to === 'string' ? range.to : '',
    yes: condition.value === true || condition.value === 'true',
    no: condition.value === false || condition.value === 'false',
    errors: {
      field: errors[`${path}.field`],
      op: errors[`${path}.op`],
      value: firstError(errors, `${path}.value`, [`${path}.value.from`, `${path}.value.to`]),
      from: errors[`${path}.value.from`],
      to: errors[`${path}.value.to`],
    },
  };
}

function matchOptions(current: string, t: Translate, prefix: string) {
  return ['all', 'any'].map((value) => ({ value, label: t(`${prefix}.${value}`), selected: value === current }));
}

function previewView(preview: SegmentPreview, causes: CauseLabels) {
  return {
    count: preview.count,
    sample: preview.sample.map((member) => ({ ...member, causeLabel: causes.label(member.cause ?? undefined) })),
  };
}

/** The problem at `path` or below it (e.g. one bad option in a list), not counting `except`. */
function firstError(errors: DefinitionErrors, path: string, except: string[]): string | undefined {
  const key = Object.keys(errors).find((candidate) => (candidate === path || candidate.startsWith(`${path}.`)) && !except.includes(candidate));
  return key === undefined ? undefined : errors[key];
}

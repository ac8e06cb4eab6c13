/**
 * The builder form without JavaScript: the posted fields read back into a draft definition,
 * and the builder's buttons (add or remove a condition or group, update the preview, save)
 * applied to it. The page is then rendered again from the draft, so nothing typed is lost.
 *
 * Field names are the definition's own paths (`definition.groups.0.conditions.1.value`), so a
 * validation problem's path points straight at its input. Only the shapes below are read:
 * a posted name that is not one of them is ignored, never merged into an object.
 */
import { operatorsByField, segmentFields, segmentLimits, type SegmentField } from './segment.schemas';
import { isChoiceValue, valueKindOf } from './segment-choices';

export interface DraftCondition {
  field: string;
  op: string;
  value: unknown;
}
export interface DraftGroup {
  match: string;
  conditions: DraftCondition[];
}
export interface DraftDefinition {
  match: string;
  groups: DraftGroup[];
}

export type BuilderAction =
  | { kind: 'save' }
  | { kind: 'refresh' }
  /** A condition's field changed (the page script asks): draw the row again, no messages yet. */
  | { kind: 'redraw' }
  | { kind: 'addGroup' }
  | { kind: 'removeGroup'; group: number }
  | { kind: 'addCondition'; group: number }
  | { kind: 'removeCondition'; group: number; condition: number };

export interface SegmentForm {
  name: string;
  description: string;
  definition: DraftDefinition;
  action: BuilderAction;
}

/** What a new segment starts with: churned customers, which the marketer narrows down. */
export function newSegmentDraft(): DraftDefinition {
  return { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }] };
}

/** Reads the posted builder; `causeCodes` are the taxonomy's causes (retired ones included), the options a cause row offers. */
export function readSegmentForm(body: unknown, causeCodes: readonly string[]): SegmentForm {
  const fields = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    name: typeof fields.name === 'string' ? fields.name : '',
    description: typeof fields.description === 'string' ? fields.description : '',
    definition: readDefinition(fields, causeCodes),
    action: readAction(fields.action),
  };
}

/** The draft after one builder button; `save`, `refresh` and `redraw` leave it as it is. */
export function applyBuilderAction(draft: DraftDefinition, action: BuilderAction): DraftDefinition {
  const groups = draft.groups.map((group) => ({ ...group, conditions: [...group.conditions] }));
  const target = 'group' in action ? groups[action.group] : undefined;
  switch (action.kind) {
    case 'addGroup':
      if (groups.length < segmentLimits.groups) groups.push({ match: 'all', conditions: [newCondition()] });
      break;
    case 'removeGroup':
      if (target) groups.splice(action.group, 1);
      break;
    case 'addCondition':
      if (target && target.conditions.length < segmentLimits.conditionsPerGroup) target.conditions.push(newCondition());
      break;
    case 'removeCondition':
      target?.conditions.splice(action.condition, 1);
      // An emptied group has nothing left to say; the last group stays so there is somewhere to add.
      if (target && target.conditions.length === 0 && groups.length > 1) groups.splice(action.group, 1);
      break;
  }
  return { ...draft, groups };
}

/** A draft from a stored (validated) definition, in the form's terms: dates as `YYYY-MM-DD`, words joined. */
export function draftOf(definition: { match: string; groups: { match: string; conditions: { field: string; op: string; value: unknown }[] }[] }): DraftDefinition {
  return {
    match: definition.match,
    groups: definition.groups.map((group) => ({
      match: group.match,
      conditions: group.conditions.map((condition) => ({ field: condition.field, op: condition.op, value: formValueOf(condition.value) })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------

const conditionPart = /^definition\.groups\.(\d{1,2})\.conditions\.(\d{1,2})\.(field|op|value)$/;
const rangePart = /^definition\.groups\.(\d{1,2})\.conditions\.(\d{1,2})\.value\.(from|to)$/;
const groupMatch = /^definition\.groups\.(\d{1,2})\.match$/;

function readDefinition(fields: Record<string, unknown>, causeCodes: readonly string[]): DraftDefinition {
  const groups: { match?: unknown; conditions: Record<string, unknown>[] }[] = [];
  const groupAt = (index: number) => (groups[index] ??= { conditions: [] });
  const conditionAt = (group: number, index: number) => (groupAt(group).conditions[index] ??= {});

  for (const [name, value] of Object.entries(fields)) {
    let parts: RegExpExecArray | null;
    if ((parts = groupMatch.exec(name)) && within(parts[1], segmentLimits.groups)) {
      groupAt(Number(parts[1])).match = value;
    } else if ((parts = conditionPart.exec(name)) && within(parts[1], segmentLimits.groups) && within(parts[2], segmentLimits.conditionsPerGroup)) {
      conditionAt(Number(parts[1]), Number(parts[2]))[parts[3]] = value;
    } else if ((parts = rangePart.exec(name)) && within(parts[1], segmentLimits.groups) && within(parts[2], segmentLimits.conditionsPerGroup)) {
      const condition = conditionAt(Number(parts[1]), Number(parts[2]));
      const range = (condition.range ??= {}) as Record<string, unknown>;
      range[parts[3]] = value;
    }
  }

  return {
    match: text(fields['definition.match']) || 'all',
    // Indexes with gaps (a removed row in a stale page) close up.
    groups: groups.filter(Boolean).map((group) => ({
      match: text(group.match) || 'all',
      conditions: group.conditions.filter(Boolean).map((condition) => readCondition(condition, causeCodes)),
    })),
  };
}

/**
 * One condition row, made coherent after its field was changed without JavaScript: an
 * operator the new field lacks becomes its first, and options the new field does not offer
 * are dropped. What is left is still validated in full before it is used.
 */
function readCondition(posted: Record<string, unknown>, causeCodes: readonly string[]): DraftCondition {
  const field = text(posted.field);
  if (!isField(field)) return { field, op: text(posted.op), value: posted.value };
  const operators: readonly string[] = operatorsByField[field];
  const op = operators.includes(text(posted.op)) ? text(posted.op) : operators[0];
  switch (valueKindOf(field)) {
    case 'choices': {
      return { field, op, value: list(posted.value).filter((entry) => isChoiceValue(field, entry, causeCodes)) };
    }
    case 'dateRange': {
      const range = (posted.range ?? {}) as Record<string, unknown>;
      return { field, op, value: { from: text(range.from), to: text(range.to) } };
    }
    default:
      return { field, op, value: text(posted.value) };
  }
}

function readAction(posted: unknown): BuilderAction {
  const [kind, first, second] = text(posted).split(':');
  const group = Number(first);
  const condition = Number(second);
  if (kind === 'refresh' || kind === 'redraw' || kind === 'addGroup') return { kind };
  if (kind === 'removeGroup' && Number.isInteger(group)) return { kind, group };
  if (kind === 'addCondition' && Number.isInteger(group)) return { kind, group };
  if (kind === 'removeCondition' && Number.isInteger(group) && Number.isInteger(condition)) return { kind, group, condition };
  return { kind: 'save' };
}

function newCondition(): DraftCondition {
  return { field: 'status', op: 'in', value: [] };
}

function formValueOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(String);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, formValueOf(inner)]));
  }
  return value === undefined || value === null ? '' : String(value);
}

function isField(value: string): value is SegmentField {
  return (segmentFields as readonly string[]).includes(value);
}

function within(index: string, limit: number): boolean {
  return Number(index) <= limit;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
}

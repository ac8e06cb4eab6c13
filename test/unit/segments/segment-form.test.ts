/** Reading the builder form without JavaScript: posted names to a draft, and the builder's buttons. */
import { builtInCauseCodes } from '../../../src/modules/customers/causes';
import { applyBuilderAction, draftOf, readSegmentForm } from '../../../src/modules/segments/segment-form';
import { segmentDefinitionSchema } from '../../../src/modules/segments/segment.schemas';

const row = (g: number, c: number, field: string, op: string, value?: string | string[]) => ({
  [`definition.groups.${g}.conditions.${c}.field`]: field,
  [`definition.groups.${g}.conditions.${c}.op`]: op,
  ...(value === undefined ? {} : { [`definition.groups.${g}.conditions.${c}.value`]: value }),
});

test('when the form is posted, then the fields become a draft the schema accepts', () => {
  const form = readSegmentForm({
    name: 'VIP price',
    'definition.match': 'any',
    'definition.groups.0.match': 'all',
    ...row(0, 0, 'valueTier', 'in', ['VIP', 'A']),
    ...row(0, 1, 'churnedBetween', 'between'),
    'definition.groups.0.conditions.1.value.from': '2026-01-01',
    'definition.groups.0.conditions.1.value.to': '2026-01-31',
    action: 'save',
  }, builtInCauseCodes);

  expect(form.action).toEqual({ kind: 'save' });
  expect(form.definition).toEqual({
    match: 'any',
    groups: [{ match: 'all', conditions: [{ field: 'valueTier', op: 'in', value: ['VIP', 'A'] }, { field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-01-31' } }] }],
  });
  expect(segmentDefinitionSchema.safeParse(form.definition).success).toBe(true);
});

test('when a field was changed without the page script, then its operator and the other field\'s values are dropped', () => {
  const form = readSegmentForm({ ...row(0, 0, 'cause', 'gte', ['churned', 'price']) }, builtInCauseCodes);

  expect(form.definition.groups[0].conditions[0]).toEqual({ field: 'cause', op: 'in', value: ['price'] });
});

test('when names outside the form\'s shapes are posted, then they are ignored, not merged', () => {
  const form = readSegmentForm({
    ...row(0, 0, 'status', 'in', 'churned'),
    'definition.__proto__.polluted': 'yes',
    'definition.groups.0.conditions.0.value.$where': 'x',
    'definition.groups.99.match': 'any',
    'definition.groups.0.conditions.500.field': 'plan',
  }, builtInCauseCodes);

  expect(form.definition.groups).toEqual([{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('when rows are added and removed, then the draft follows and an emptied group goes away unless it is the last', () => {
  const draft = readSegmentForm({ ...row(0, 0, 'status', 'in', 'churned') }, builtInCauseCodes).definition;

  const twoGroups = applyBuilderAction(applyBuilderAction(draft, { kind: 'addCondition', group: 0 }), { kind: 'addGroup' });
  expect(twoGroups.groups.map((group) => group.conditions.length)).toEqual([2, 1]);
  expect(applyBuilderAction(twoGroups, { kind: 'removeCondition', group: 1, condition: 0 }).groups).toHaveLength(1);
  expect(applyBuilderAction(twoGroups, { kind: 'removeGroup', group: 0 }).groups[0].conditions).toHaveLength(1);
  const lastGroup = applyBuilderAction(draft, { kind: 'removeCondition', group: 0, condition: 0 });
  expect(lastGroup.groups).toEqual([{ match: 'all', conditions: [] }]);
  expect(draft.groups[0].conditions).toHaveLength(1);
});

test('when a stored definition is shown in the form, then dates are days and lists stay lists', () => {
  const stored = segmentDefinitionSchema.parse({
    match: 'all',
    groups: [{ match: 'all', conditions: [{ field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-01-31' } }, { field: 'clv', op: 'gte', value: 10 }] }],
  });

  expect(draftOf(stored).groups[0].conditions).toEqual([
    { field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-01-31' } },
    { field: 'clv', op: 'gte', value: '10' },
  ]);
});

/** Compiling segment definitions into filters: every field and operator, AND/OR, and trusted operators. */
import mongoose from 'mongoose';
import { compileSegmentFilter } from '../../../src/modules/segments/segment.filter';
import { segmentDefinitionSchema, type SegmentDefinition } from '../../../src/modules/segments/segment.schemas';
import { suppressionFilter } from '../../../src/modules/segments/suppressions';

const now = new Date('2026-11-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

/** One "all" group with one condition, parsed the way every caller must parse it. */
function only(condition: Record<string, unknown>): SegmentDefinition {
  return segmentDefinitionSchema.parse({ match: 'all', groups: [{ match: 'all', conditions: [condition] }] });
}

/** The filter's first clause, as the query would carry it. */
const clauseOf = (condition: Record<string, unknown>) => plain((compileSegmentFilter(only(condition), now) as { $and: unknown[] }).$and[0]);

/** The filter without mongoose's `trusted` marks (symbol keys), to compare with a literal. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
}

/** Whether mongoose's sanitizeFilter leaves the operators alone (it marks trusted objects with a symbol). */
function allOperatorsTrusted(filter: unknown): boolean {
  const before = JSON.stringify(filter);
  mongoose.sanitizeFilter(filter as Record<string, unknown>);
  return JSON.stringify(filter) === before;
}

describe('compiling one condition', () => {
  test.each([
    ['status', 'in', ['churned'], { status: { $in: ['churned'] } }],
    ['status', 'nin', ['won_back', 'active'], { status: { $nin: ['won_back', 'active'] } }],
    ['valueTier', 'in', ['VIP', 'A'], { 'value.tier': { $in: ['VIP', 'A'] } }],
    ['valueTier', 'nin', ['D'], { 'value.tier': { $nin: ['D'] } }],
    ['cause', 'in', ['price'], { 'cause.code': { $in: ['price'] } }],
    ['cause', 'nin', ['natural'], { 'cause.code': { $nin: ['natural'] } }],
    ['secondaryCause', 'in', ['service'], { 'cause.secondary': { $in: ['service'] } }],
    ['secondaryCause', 'nin', ['product'], { 'cause.secondary': { $nin: ['product'] } }],
    ['rfmLevel', 'in', ['orange', 'red'], { 'value.rfm.level': { $in: ['orange', 'red'] } }],
    ['locale', 'in', ['zh-CN'], { locale: { $in: ['zh-CN'] } }],
    ['plan', 'in', ['Pro', 'Team'], { plan: { $in: ['Pro', 'Team'] } }],
    ['tags', 'anyOf', ['fleet', 'beta'], { tags: { $in: ['fleet', 'beta'] } }],
    ['tags', 'allOf', ['fleet', 'beta'], { tags: { $all: ['fleet', 'beta'] } }],
    ['clv', 'gte', 1000, { 'value.clv': { $gte: 1000 } }],
    ['clv', 'lte', 50.5, { 'value.clv': { $lte: 50.5 } }],
  ])('when the field is %s with %s %j, then the clause is %j', (field, op, value, expected) => {
    expect(clauseOf({ field, op, value })).toEqual(expected);
  });

  test('when churnedBetween is given two dates, then both ends are included', () => {
    const clause = clauseOf({ field: 'churnedBetween', op: 'between', value: { from: '2026-01-01', to: '2026-03-31T23:59:59.999Z' } });
    expect(clause).toEqual({ churnedAt: { $gte: new Date('2026-01-01T00:00:00Z'), $lte: new Date('2026-03-31T23:59:59.999Z') } });
  });

  test('when churnedBetween ends on a date without a time, as a form sends it, then that whole day is included', () => {
    const clause = clauseOf({ field: 'churnedBetween', op: 'between', value: { from: '2026-03-31', to: '2026-03-31' } });
    expect(clause).toEqual({ churnedAt: { $gte: new Date('2026-03-31T00:00:00Z'), $lte: new Date('2026-03-31T23:59:59.999Z') } });
  });

  test('when inactiveForDays is 90, then customers whose last transaction is older than 90 days, or who have none, match', () => {
    expect(clauseOf({ field: 'inactiveForDays', op: 'gte', value: 90 })).toEqual({ $or: [{ lastTransactionAt: { $lt: daysAgo(90) } }, { lastTransactionAt: null }] });
  });

  test('when lastCampaignTouchDays is 14, then customers not written to in the last 14 days, or never, match', () => {
    expect(clauseOf({ field: 'lastCampaignTouchDays', op: 'gte', value: 14 })).toEqual({
      $or: [{ 'engagement.lastCampaignMessageAt': { $lt: daysAgo(14) } }, { 'engagement.lastCampaignMessageAt': null }],
    });
  });

  test('when surveyAnswered is true or false, then the survey answer date must be set or missing', () => {
    expect(clauseOf({ field: 'surveyAnswered', op: 'is', value: true })).toEqual({ 'engagement.surveyAnsweredAt': { $ne: null } });
    expect(clauseOf({ field: 'surveyAnswered', op: 'is', value: 'false' })).toEqual({ 'engagement.surveyAnsweredAt': null });
  });

  test('when values come from a form as strings, then they are read as lists, numbers and words', () => {
    expect(clauseOf({ field: 'status', op: 'in', value: 'churned' })).toEqual({ status: { $in: ['churned'] } });
    expect(clauseOf({ field: 'clv', op: 'gte', value: '250' })).toEqual({ 'value.clv': { $gte: 250 } });
    expect(clauseOf({ field: 'tags', op: 'anyOf', value: ' fleet, beta ,,fleet' })).toEqual({ tags: { $in: ['fleet', 'beta'] } });
  });
});

describe('combining groups', () => {
  const status = { field: 'status', op: 'in', value: ['churned'] };
  const vip = { field: 'valueTier', op: 'in', value: ['VIP'] };
  const price = { field: 'cause', op: 'in', value: ['price'] };

  test('when everything must match, then all conditions of all groups form one flat $and', () => {
    const definition = segmentDefinitionSchema.parse({ match: 'all', groups: [{ match: 'all', conditions: [status, vip] }, { match: 'all', conditions: [price] }] });
    expect(plain(compileSegmentFilter(definition, now))).toEqual({ $and: [{ status: { $in: ['churned'] } }, { 'value.tier': { $in: ['VIP'] } }, { 'cause.code': { $in: ['price'] } }] });
  });

  test('when a group matches any of its conditions, then it becomes an $or inside the $and', () => {
    const definition = segmentDefinitionSchema.parse({ match: 'all', groups: [{ match: 'all', conditions: [status] }, { match: 'any', conditions: [vip, price] }] });
    expect(plain(compileSegmentFilter(definition, now))).toEqual({
      $and: [{ status: { $in: ['churned'] } }, { $or: [{ 'value.tier': { $in: ['VIP'] } }, { 'cause.code': { $in: ['price'] } }] }],
    });
  });

  test('when any group may match, then the groups form an $or of $ands', () => {
    const definition = segmentDefinitionSchema.parse({ match: 'any', groups: [{ match: 'all', conditions: [status, vip] }, { match: 'all', conditions: [price] }] });
    expect(plain(compileSegmentFilter(definition, now))).toEqual({
      $or: [{ $and: [{ status: { $in: ['churned'] } }, { 'value.tier': { $in: ['VIP'] } }] }, { 'cause.code': { $in: ['price'] } }],
    });
  });

  test('when a filter is compiled, then sanitizeFilter leaves every operator in place', () => {
    const definition = segmentDefinitionSchema.parse({
      match: 'any',
      groups: [
        { match: 'all', conditions: [status, { field: 'inactiveForDays', op: 'gte', value: 30 }, { field: 'surveyAnswered', op: 'is', value: true }] },
        { match: 'any', conditions: [vip, { field: 'clv', op: 'gte', value: 10 }, { field: 'tags', op: 'allOf', value: ['a'] }] },
      ],
    });
    expect(allOperatorsTrusted(compileSegmentFilter(definition, now))).toBe(true);
    expect(allOperatorsTrusted(suppressionFilter({ runningCampaignIds: [new mongoose.Types.ObjectId()] }))).toBe(true);
  });
});

describe('refusing definitions', () => {
  const problemsOf = (input: unknown) => segmentDefinitionSchema.safeParse(input).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
  const one = (condition: unknown) => ({ match: 'all', groups: [{ match: 'all', conditions: [condition] }] });

  test('when a field is not on the whitelist, then the field path says so', () => {
    expect(problemsOf(one({ field: 'email', op: 'in', value: ['x'] }))).toEqual([['groups.0.conditions.0.field', 'segments:validation.field']]);
  });

  test('when an operator does not belong to the field, or a raw query operator is sent, then the op path says so', () => {
    expect(problemsOf(one({ field: 'status', op: 'gte', value: ['churned'] }))).toEqual([['groups.0.conditions.0.op', 'segments:validation.op']]);
    expect(problemsOf(one({ field: 'status', op: '$where', value: ['churned'] }))).toEqual([['groups.0.conditions.0.op', 'segments:validation.op']]);
  });

  test('when values are missing, unknown, or operator objects, then the value path says so', () => {
    expect(problemsOf(one({ field: 'status', op: 'in', value: [] }))).toEqual([['groups.0.conditions.0.value', 'segments:validation.values']]);
    expect(problemsOf(one({ field: 'valueTier', op: 'in', value: ['Z'] }))).toEqual([['groups.0.conditions.0.value.0', 'common:validation.choice']]);
    expect(problemsOf(one({ field: 'plan', op: 'in', value: [{ $ne: null }] }))).toEqual([['groups.0.conditions.0.value.0', 'segments:validation.text']]);
    expect(problemsOf(one({ field: 'inactiveForDays', op: 'gte', value: 0 }))).toEqual([['groups.0.conditions.0.value', 'segments:validation.days']]);
    expect(problemsOf(one({ field: 'clv', op: 'gte', value: 'lots' }))).toEqual([['groups.0.conditions.0.value', 'segments:validation.amount']]);
    expect(problemsOf(one({ field: 'surveyAnswered', op: 'is', value: 'maybe' }))).toEqual([['groups.0.conditions.0.value', 'segments:validation.yesNo']]);
  });

  test('when a date range ends before it starts, or a date is not a date, then the end or the bad date is named', () => {
    expect(problemsOf(one({ field: 'churnedBetween', op: 'between', value: { from: '2026-05-01', to: '2026-04-01' } }))).toEqual([
      ['groups.0.conditions.0.value.to', 'segments:validation.dateOrder'],
    ]);
    expect(problemsOf(one({ field: 'churnedBetween', op: 'between', value: { from: 'soon', to: '2026-04-01' } }))).toEqual([
      ['groups.0.conditions.0.value.from', 'segments:validation.date'],
    ]);
  });

  test('when there are no groups or conditions, or too many, then the list is named', () => {
    const status = { field: 'status', op: 'in', value: ['churned'] };
    expect(problemsOf({ match: 'all', groups: [] })).toEqual([['groups', 'segments:validation.noConditions']]);
    expect(problemsOf({ match: 'all', groups: [{ match: 'all', conditions: [] }] })).toEqual([['groups.0.conditions', 'segments:validation.noConditions']]);
    expect(problemsOf({ match: 'all', groups: [{ match: 'all', conditions: Array(21).fill(status) }] })).toEqual([['groups.0.conditions', 'segments:validation.tooManyConditions']]);
    expect(problemsOf({ match: 'all', groups: Array(11).fill({ match: 'all', conditions: [status] }) })).toEqual([['groups', 'segments:validation.tooManyGroups']]);
    expect(problemsOf({ match: 'either', groups: [{ match: 'all', conditions: [status] }] })).toEqual([['match', 'common:validation.choice']]);
  });
});

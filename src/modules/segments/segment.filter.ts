/**
 * Turns a validated segment definition into a MongoDB filter over customers. Pure: the clock
 * is a parameter, nothing is read from the database.
 *
 * Every operator object is wrapped in `trusted()`: mongoose runs with `sanitizeFilter`, which
 * would otherwise neutralise them. That is safe here because every value went through
 * `segmentDefinitionSchema` (fixed fields, fixed operators, typed values).
 *
 * Shape: an "all" definition becomes one flat `$and` of single-field clauses, so the planner
 * sees e.g. `status: {$in: …}` at the top and can read it through an index (the embedded
 * server only looks at the top level and top-level `$and`). "any" becomes `$or`.
 */
import { trusted, type QueryFilter } from 'mongoose';
import type { Customer } from '../customers/customer.model';
import type { SegmentCondition, SegmentDefinition, SegmentGroup } from './segment.schemas';

export type FilterQuery = QueryFilter<Customer>;

const dayMs = 86_400_000;

export function compileSegmentFilter(definition: SegmentDefinition, now: Date): FilterQuery {
  const groups = definition.groups.map((group) => compileGroup(group, now));
  if (definition.match === 'any') return (groups.length === 1 ? groups[0] : { $or: groups }) as FilterQuery;
  // Flatten "all" groups into the top-level $and, where index selection looks.
  const clauses = groups.flatMap((clause) => (isPlainAnd(clause) ? clause.$and : [clause]));
  return { $and: clauses } as FilterQuery;
}

/** One condition as a filter clause; exported for the unit tests and the builder's explanations. */
export function compileCondition(condition: SegmentCondition, now: Date): Clause {
  switch (condition.field) {
    case 'status':
      return listClause('status', condition.op, condition.value);
    case 'valueTier':
      return listClause('value.tier', condition.op, condition.value);
    case 'cause':
      return listClause('cause.code', condition.op, condition.value);
    case 'secondaryCause':
      return listClause('cause.secondary', condition.op, condition.value);
    case 'rfmLevel':
      return listClause('value.rfm.level', condition.op, condition.value);
    case 'locale':
      return listClause('locale', condition.op, condition.value);
    case 'plan':
      return listClause('plan', condition.op, condition.value);
    case 'tags':
      return { tags: trusted(condition.op === 'allOf' ? { $all: condition.value } : { $in: condition.value }) };
    case 'churnedBetween':
      return { churnedAt: trusted({ $gte: condition.value.from, $lte: condition.value.to }) };
    case 'inactiveForDays':
      // Never bought counts as inactive: a missing date is older than any cut-off.
      return olderThanOrMissing('lastTransactionAt', daysBefore(now, condition.value));
    case 'lastCampaignTouchDays':
      return olderThanOrMissing('engagement.lastCampaignMessageAt', daysBefore(now, condition.value));
    case 'surveyAnswered':
      return { 'engagement.surveyAnsweredAt': condition.value ? trusted({ $ne: null }) : null };
    case 'clv':
      return { 'value.clv': trusted(condition.op === 'gte' ? { $gte: condition.value } : { $lte: condition.value }) };
  }
}

// ---------------------------------------------------------------------------------------------

type Clause = Record<string, unknown>;

function compileGroup(group: SegmentGroup, now: Date): Clause {
  const clauses = group.conditions.map((condition) => compileCondition(condition, now));
  if (clauses.length === 1) return clauses[0];
  return group.match === 'all' ? { $and: clauses } : { $or: clauses };
}

function listClause(path: string, op: 'in' | 'nin', values: readonly string[]): Clause {
  return { [path]: trusted(op === 'in' ? { $in: [...values] } : { $nin: [...values] }) };
}

function olderThanOrMissing(path: string, cutoff: Date): Clause {
  // `{path: null}` matches both a missing field and an explicit null.
  return { $or: [{ [path]: trusted({ $lt: cutoff }) }, { [path]: null }] };
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * dayMs);
}

function isPlainAnd(clause: Clause): clause is { $and: Clause[] } {
  return Object.keys(clause).length === 1 && Array.isArray(clause.$and);
}

/**
 * A collection: documents by canonical _id key, its secondary indexes, and the query planner
 * that picks candidates through an index before mingo filters them.
 */
import type { Document } from 'bson';
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { DuplicateKeyError, badValue } from './errors';
import { defaultIndexName, SecondaryIndex, type IndexKeys, type IndexSpec } from './indexes';
import { plainValueAtPath, scalarKind, valueKey } from './keys';

export interface QueryPlan {
  stage: 'IDHACK' | 'IXSCAN' | 'COLLSCAN';
  indexName?: string;
}

export class Collection {
  readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, SecondaryIndex>();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document = {},
  ) {}

  get namespace(): string {
    return `${this.db}.${this.name}`;
  }

  indexSpecs(): IndexSpec[] {
    return [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...[...this.indexes.values()].map((index) => ({ v: 2, ...index.spec }))];
  }

  /** Adds an index over the existing documents; fails (and adds nothing) on duplicates. */
  createIndex(spec: IndexSpec): SecondaryIndex {
    const index = new SecondaryIndex(spec);
    for (const [id, doc] of this.docs) {
      const keys = index.keysOf(doc);
      if (!keys) continue;
      const holder = index.conflictFor(keys, id);
      if (holder !== undefined) throw this.duplicateError(index, doc);
      index.add(id, doc, keys);
    }
    this.indexes.set(spec.name, index);
    return index;
  }

  /** Replay path: trust the journal, index without checks. */
  restoreIndex(spec: IndexSpec): void {
    const index = new SecondaryIndex(spec);
    for (const [id, doc] of this.docs) index.add(id, doc);
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
  }

  /** Inserts a new document (it must carry an _id); throws DuplicateKeyError and changes nothing. */
  insert(doc: Document): void {
    if (doc._id === undefined) doc._id = new ObjectId();
    const id = valueKey(doc._id);
    if (this.docs.has(id)) throw new DuplicateKeyError(this.namespace, '_id_', { _id: 1 }, { _id: doc._id });
    const keyed = this.checkUnique(id, doc);
    this.docs.set(id, doc);
    for (const [index, keys] of keyed) index.add(id, doc, keys);
  }

  /**
   * Replaces `before` with `after` (same _id); throws DuplicateKeyError and changes nothing.
   * `changedPaths` (from an operator update) limits the work to the indexes over those paths:
   * a customer has 16 indexes, and most updates touch one of them or none.
   */
  replace(before: Document, after: Document, changedPaths: string[] | null = null): void {
    const id = valueKey(before._id);
    const affected = changedPaths === null ? [...this.indexes.values()] : [...this.indexes.values()].filter((index) => index.dependsOn(changedPaths));
    const keyed = this.checkUnique(id, after, affected);
    // Only indexes whose keys changed are touched: an update of one field leaves the rest alone.
    const changed: Array<[SecondaryIndex, IndexKeys, IndexKeys | null]> = [];
    for (const [index, keys] of keyed) {
      const old = index.keysOf(before);
      if (!sameKeys(old, keys)) changed.push([index, keys, old]);
    }
    const dropped = affected.filter((index) => !keyed.some(([kept]) => kept === index));
    for (const [index, , old] of changed) index.remove(id, before, old);
    for (const index of dropped) index.remove(id, before);
    this.docs.set(id, after);
    for (const [index, keys] of changed) index.add(id, after, keys);
  }

  remove(doc: Document): void {
    const id = valueKey(doc._id);
    for (const index of this.indexes.values()) index.remove(id, doc);
    this.docs.delete(id);
  }

  /** Replay path: put a document as it was journaled. */
  restoreDocument(doc: Document): void {
    const id = valueKey(doc._id);
    const existing = this.docs.get(id);
    if (existing) for (const index of this.indexes.values()) index.remove(id, existing);
    this.docs.set(id, doc);
    for (const index of this.indexes.values()) index.add(id, doc);
  }

  restoreRemoval(idValue: unknown): void {
    const existing = this.docs.get(valueKey(idValue));
    if (existing) this.remove(existing);
  }

  /** Documents matching `filter`, read through the best index. */
  find(filter: Document = {}): Document[] {
    const { candidates, residual } = this.plan(filter);
    if (Object.keys(residual).length === 0) return [...candidates];
    const query = new Query(residual);
    const matches: Document[] = [];
    for (const doc of candidates) if (query.test(doc)) matches.push(doc);
    return matches;
  }

  /**
   * Chooses candidates: exact _id, then the smallest equality index hit, then a range scan.
   * `residual` is what is left to check on each candidate: top-level equality conditions that
   * the lookup itself satisfied are dropped (testing `{_id: {$in: [1000 ids]}}` again on each
   * candidate costs more than the lookup). `exact: false` (a collation) scans instead.
   */
  plan(filter: Document, exact = true): { plan: QueryPlan; candidates: Iterable<Document>; residual: Document } {
    if (!exact) return { plan: { stage: 'COLLSCAN' }, candidates: this.docs.values(), residual: filter };
    const conditions = topLevelConditions(filter);
    const idCondition = conditions.get('_id');
    const idValues = idCondition ? equalityValues(idCondition) : null;
    if (idValues) return { plan: { stage: 'IDHACK' }, candidates: this.resolveAll(idValues.map(valueKey)), residual: without(filter, ['_id']) };

    let best: { index: SecondaryIndex; ids: Iterable<string>; size: number; covered: string[] } | null = null;
    for (const index of this.indexes.values()) {
      if (!index.narrowsQueries) continue;
      // Equality on the longest prefix of the index's fields (status, then status + tier …).
      const prefix: unknown[][] = [];
      for (const field of index.fields) {
        const condition = conditions.get(field);
        const values = condition === undefined ? null : equalityValues(condition);
        if (!values) break;
        prefix.push(values);
      }
      if (prefix.length > 0) {
        // A range on the field after the prefix narrows further (the range stays in the residual).
        const next = prefix.length < index.fields.length ? conditions.get(index.fields[prefix.length]) : undefined;
        const nextRange = next === undefined ? null : rangeBounds(next);
        const ids = (nextRange && index.lookupPrefixRange(prefix, nextRange.lower, nextRange.upper)) || index.lookupEqual(prefix);
        if (!best || ids.size < best.size) best = { index, ids, size: ids.size, covered: index.fields.slice(0, prefix.length) };
        continue;
      }
      const condition = conditions.get(index.fields[0]);
      const range = condition === undefined ? null : rangeBounds(condition);
      if (range && index.supportsRange) {
        const ids = index.lookupRange(range.lower, range.upper, (id) => this.docs.get(id));
        if (!best || ids.length < best.size) best = { index, ids, size: ids.length, covered: [] };
      }
    }
    if (best) return { plan: { stage: 'IXSCAN', indexName: best.index.name }, candidates: this.resolveAll(best.ids), residual: without(filter, best.covered) };
    return { plan: { stage: 'COLLSCAN' }, candidates: this.docs.values(), residual: filter };
  }

  private *resolveAll(ids: Iterable<string>): Iterable<Document> {
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) yield doc;
    }
  }

  private checkUnique(id: string, doc: Document, indexes: Iterable<SecondaryIndex> = this.indexes.values()): Array<[SecondaryIndex, IndexKeys]> {
    const keyed: Array<[SecondaryIndex, IndexKeys]> = [];
    for (const index of indexes) {
      const keys = index.keysOf(doc);
      if (!keys) continue;
      if (index.conflictFor(keys, id) !== undefined) throw this.duplicateError(index, doc);
      keyed.push([index, keys]);
    }
    return keyed;
  }

  private duplicateError(index: SecondaryIndex, doc: Document): DuplicateKeyError {
    const keyValue: Document = {};
    for (const field of index.fields) keyValue[field] = plainValueAtPath(doc, field) ?? null;
    return new DuplicateKeyError(this.namespace, index.name, index.spec.key, keyValue);
  }
}

/** The filter without the given top-level fields (those inside an $and stay and are checked again). */
function without(filter: Document, fields: string[]): Document {
  if (!fields.some((field) => field in filter)) return filter;
  const rest: Document = {};
  for (const [key, value] of Object.entries(filter)) if (!fields.includes(key)) rest[key] = value;
  return rest;
}

function sameKeys(a: IndexKeys | null, b: IndexKeys): boolean {
  if (a === null || a.perField.length !== b.perField.length) return false;
  return a.perField.every((keys, i) => keys.length === b.perField[i].length && keys.every((key, k) => key === b.perField[i][k]));
}

/** Field → condition for the filter's top level and its top-level $and clauses. */
function topLevelConditions(filter: Document): Map<string, unknown> {
  const conditions = new Map<string, unknown>();
  const visit = (clause: Document) => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) condition.forEach((inner) => inner && typeof inner === 'object' && visit(inner));
      else if (!field.startsWith('$') && !conditions.has(field)) conditions.set(field, condition);
    }
  };
  visit(filter);
  return conditions;
}

function isIndexableScalar(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (value instanceof Date) return true;
  const bsonType = (value as { _bsontype?: string })._bsontype;
  return bsonType === 'ObjectId' || bsonType === 'UUID' || bsonType === 'Binary';
}

function isOperatorObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  if ((value as { _bsontype?: string })._bsontype) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** The values an equality-like condition ({f: v}, {f: {$eq: v}}, {f: {$in: [...]}}) allows. */
function equalityValues(condition: unknown): unknown[] | null {
  if (isIndexableScalar(condition)) return [condition];
  if (!isOperatorObject(condition)) return null;
  const operators = Object.keys(condition);
  if (operators.length === 1 && operators[0] === '$eq' && isIndexableScalar(condition.$eq)) return [condition.$eq];
  if (operators.length === 1 && operators[0] === '$in' && Array.isArray(condition.$in) && condition.$in.every(isIndexableScalar)) {
    return condition.$in;
  }
  return null;
}

type Bound = { value: unknown; inclusive: boolean } | null;

/** Bounds of a pure range condition on one scalar kind ({$gte: a, $lt: b}); null otherwise. */
function rangeBounds(condition: unknown): { lower: Bound; upper: Bound } | null {
  if (!isOperatorObject(condition)) return null;
  let lower: Bound = null;
  let upper: Bound = null;
  let kind: string | null = null;
  for (const [operator, value] of Object.entries(condition)) {
    const valueKind = scalarKind(value);
    if (!valueKind || (kind && kind !== valueKind)) return null;
    kind = valueKind;
    if (operator === '$gt' || operator === '$gte') lower = { value, inclusive: operator === '$gte' };
    else if (operator === '$lt' || operator === '$lte') upper = { value, inclusive: operator === '$lte' };
    else return null;
  }
  return lower || upper ? { lower, upper } : null;
}

export function normalizeIndexSpec(raw: Document): IndexSpec {
  if (!raw || typeof raw.key !== 'object' || raw.key === null) throw badValue('index specification needs a key');
  const spec: IndexSpec = { key: raw.key as Document, name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key as Document) };
  for (const option of ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'background'] as const) {
    if (raw[option] !== undefined) spec[option] = raw[option];
  }
  return spec;
}

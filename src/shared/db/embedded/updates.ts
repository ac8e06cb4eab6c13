/**
 * Update semantics on one document: operator updates through mingo (plus what mingo lacks:
 * $setOnInsert, the upsert seed from the query), replacements, and pipeline updates.
 * The stored document is never mutated: a changed copy is returned.
 */
import { Aggregator } from 'mingo';
import { update as applyOperators } from 'mingo/updater';
import { BSON, ObjectId, type Document } from 'bson';
import { failedToParse, immutableField } from './errors';
import { valueKey } from './keys';

export interface UpdateOptions {
  query: Document;
  arrayFilters?: Document[];
}

/** Deep copy that keeps BSON types (ObjectId, Date, Binary…) intact. */
export function copyDocument(doc: Document): Document {
  return BSON.deserialize(BSON.serialize(doc, { ignoreUndefined: true }), { promoteLongs: true });
}

/**
 * The updated copy of `doc` and the paths an operator update changed (null: unknown, e.g. a
 * replacement or a pipeline), or null when nothing changed. The paths let the collection
 * re-key only the indexes over them.
 */
export function applyUpdate(doc: Document, update: Document | Document[], options: UpdateOptions): { next: Document; changedPaths: string[] | null } | null {
  const changes: { fields?: string[] } = {};
  const operatorUpdate = !Array.isArray(update) && isOperatorUpdate(update);
  const next = transform(operatorUpdate ? copyTouchedFields(doc, update as Document) : copyDocument(doc), update, options, false, changes);
  if (valueKey(next._id) !== valueKey(doc._id)) throw immutableField();
  // Operator updates report what they changed; comparing whole documents is for the rest.
  if (changes.fields) return changes.fields.length === 0 ? null : { next, changedPaths: changes.fields };
  return valueKey(next) === valueKey(doc) ? null : { next, changedPaths: null };
}

/**
 * A copy of `doc` that an operator update may mutate: top-level fields the update names are
 * deep-copied, the rest are shared with the stored document. mingo mutates only along the
 * paths it is given, so the stored document stays intact, and an update of one field of a
 * large customer no longer round-trips the whole document through BSON.
 */
function copyTouchedFields(doc: Document, operators: Document): Document {
  const copy: Document = { ...doc };
  const touch = (path: string) => {
    const top = path.split('.', 1)[0];
    const value = doc[top];
    if (value !== null && typeof value === 'object' && copy[top] === value) copy[top] = copyDocument({ v: value }).v;
  };
  for (const [operator, argument] of Object.entries(operators)) {
    if (argument === null || typeof argument !== 'object') continue;
    for (const [path, target] of Object.entries(argument as Document)) {
      touch(path);
      if (operator === '$rename' && typeof target === 'string') touch(target);
    }
  }
  return copy;
}

/** The document an upsert inserts: equality fields of the query, then the update. */
export function upsertedDocument(update: Document | Document[], options: UpdateOptions): Document {
  const seed = seedFromQuery(options.query);
  let doc: Document;
  if (!Array.isArray(update) && !isOperatorUpdate(update)) {
    checkReplacement(update);
    doc = { ...update };
    if (seed._id !== undefined && doc._id === undefined) doc._id = seed._id;
  } else {
    doc = transform(seed, update, options, true);
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function transform(doc: Document, update: Document | Document[], options: UpdateOptions, inserting: boolean, changes: { fields?: string[] } = {}): Document {
  if (Array.isArray(update)) return new Aggregator(update).run([doc])[0] as Document;
  if (!isOperatorUpdate(update)) {
    checkReplacement(update);
    if (update._id !== undefined && valueKey(update._id) !== valueKey(doc._id)) throw immutableField();
    return { _id: doc._id, ...update, ...(update._id === undefined ? {} : { _id: doc._id }) };
  }
  const { $setOnInsert, ...operators } = update;
  for (const key of Object.keys(operators)) if (!key.startsWith('$')) throw failedToParse(`Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update`);
  if (inserting && $setOnInsert) operators.$set = { ...(operators.$set as Document | undefined), ...($setOnInsert as Document) };
  takeIdAssignment(doc, operators, inserting);
  changes.fields = [];
  if (Object.keys(operators).length > 0) {
    const condition = usesPositional(operators) ? options.query : undefined;
    changes.fields = applyOperators(doc, operators, options.arrayFilters ?? [], condition);
  }
  return doc;
}

/**
 * mingo refuses every $set on _id; mongod allows setting it to its current value, or to
 * anything while inserting (connect-mongo upserts with {$set: {_id: sid, …}}).
 */
function takeIdAssignment(doc: Document, operators: Document, inserting: boolean): void {
  const set = operators.$set as Document | undefined;
  if (!set || !('_id' in set)) return;
  const { _id, ...rest } = set;
  if (inserting) doc._id = _id;
  else if (valueKey(_id) !== valueKey(doc._id)) throw immutableField();
  if (Object.keys(rest).length > 0) operators.$set = rest;
  else delete operators.$set;
}

export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0].startsWith('$');
}

function checkReplacement(update: Document): void {
  for (const key of Object.keys(update)) if (key.startsWith('$')) throw failedToParse(`The dollar ($) prefixed field '${key}' in a replacement document is not allowed`);
}

/** `a.$.b` (positional) needs the query to know which element matched; `$[]`, `$[x]` do not. */
function usesPositional(operators: Document): boolean {
  for (const fields of Object.values(operators)) {
    if (fields && typeof fields === 'object') for (const path of Object.keys(fields)) if (/\.\$(\.|$)/.test(path)) return true;
  }
  return false;
}

/** Equality conditions of a query as a document: {a: 1, 'b.c': 2, d: {$eq: 3}} → {a:1, b:{c:2}, d:3}. */
export function seedFromQuery(query: Document): Document {
  const seed: Document = {};
  const visit = (clause: Document) => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const inner of condition) if (inner && typeof inner === 'object') visit(inner as Document);
        continue;
      }
      if (field.startsWith('$')) continue;
      const value = equalityOf(condition);
      if (value !== NOT_EQUALITY) setPath(seed, field, value);
    }
  };
  visit(query);
  return seed;
}

const NOT_EQUALITY = Symbol('not equality');

function equalityOf(condition: unknown): unknown {
  if (condition === null || typeof condition !== 'object' || condition instanceof Date || Array.isArray(condition)) return condition;
  if ((condition as { _bsontype?: string })._bsontype || condition instanceof RegExp) {
    return condition instanceof RegExp ? NOT_EQUALITY : condition;
  }
  const keys = Object.keys(condition);
  if (keys.length === 0 || !keys[0].startsWith('$')) return condition;
  if (keys.length === 1 && keys[0] === '$eq') return (condition as Document).$eq;
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray((condition as Document).$in) && (condition as Document).$in.length === 1) {
    return (condition as Document).$in[0];
  }
  return NOT_EQUALITY;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    if (target[part] === null || typeof target[part] !== 'object') target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1]] = value;
}

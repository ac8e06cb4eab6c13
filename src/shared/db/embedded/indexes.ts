/**
 * One secondary index: a tree of hash maps, one level per field of the key pattern (field 1's
 * key → field 2's key → … → the ids holding the full key). It enforces uniqueness, answers
 * equality on any prefix of the fields by walking down, and keeps a lazily sorted view of the
 * first field for range lookups. The `_id` index is the collection's own document map.
 *
 * A tree rather than one map of joined keys plus a map per prefix: a write walks a few small
 * maps (campaign → state → …) and inserts once, instead of building joined key strings and
 * inserting into a map per prefix, each holding every document of a campaign.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { fieldValues, plainValueAtPath, scalarKind, scalarOrder, valueKey } from './keys';
import { badValue } from './errors';

export interface IndexSpec extends Document {
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  collation?: Document;
}

type SortedEntry = { kind: string; order: number | string; id: string };

/** A document's keys in one index: the encoded values of each field (several when multikey). */
export interface IndexKeys {
  perField: string[][];
  multikey: boolean;
}

/** A level of the tree: below the last field, the ids holding the key. */
type Level = Map<string, Level | Holders>;

export class SecondaryIndex {
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Query;
  private readonly root: Level = new Map();
  private multikey = false;
  private sorted: SortedEntry[] | null = null;

  constructor(readonly spec: IndexSpec) {
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    if (this.fields.length === 0) throw badValue('index key pattern must not be empty');
    for (const [field, direction] of Object.entries(spec.key)) {
      if (direction !== 1 && direction !== -1) throw badValue(`index type ${JSON.stringify(direction)} on ${field} is not supported by the embedded database`);
    }
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (typeof spec.expireAfterSeconds === 'number') this.expireAfterSeconds = spec.expireAfterSeconds;
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression);
  }

  /**
   * The keys a document has in this index, field by field; null when the index does not cover
   * the document. Computed once per write and reused for the unique check and the insert.
   */
  keysOf(doc: Document): IndexKeys | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const perField: string[][] = [];
    let allMissing = true;
    let multikey = false;
    for (const field of this.fields) {
      const { values, viaArray } = fieldValues(doc, field);
      if (viaArray || values.length > 1) multikey = true;
      if (values.length !== 1 || values[0] !== undefined) allMissing = false;
      perField.push(values.length === 1 ? [valueKey(values[0])] : [...new Set(values.map(valueKey))]);
    }
    if (this.sparse && allMissing) return null;
    return { perField, multikey };
  }

  /** The id of a document other than `selfId` that already holds one of its keys, if any. */
  conflictFor(keys: IndexKeys, selfId: string): string | undefined {
    if (!this.unique) return undefined;
    let conflict: string | undefined;
    this.eachLeaf(keys.perField, false, (leaf, key) => {
      const holders = leaf?.get(key) as Holders | undefined;
      if (holders === undefined || conflict !== undefined) return;
      for (const holder of idsOf(holders)) if (holder !== selfId) conflict = holder;
    });
    return conflict;
  }

  add(id: string, doc: Document, keys = this.keysOf(doc)): void {
    if (!keys) return;
    this.eachLeaf(keys.perField, true, (leaf, key) => addTo(leaf as Map<string, Holders>, key, id));
    if (keys.multikey) this.multikey = true;
    this.sorted = null;
  }

  remove(id: string, doc: Document, keys = this.keysOf(doc)): void {
    if (!keys) return;
    for (const combination of combinations(keys.perField)) removePath(this.root, combination, 0, id);
    this.sorted = null;
  }

  clear(): void {
    this.root.clear();
    this.sorted = null;
  }

  /**
   * Ids whose first fields equal the given values: `valuesPerField[i]` are the allowed values of
   * field i (plain scalars, already checked), for a prefix of the index's fields.
   */
  lookupEqual(valuesPerField: unknown[][]): Set<string> {
    const ids = new Set<string>();
    for (const node of this.nodesUnder(valuesPerField)) collectIds(node, ids);
    return ids;
  }

  /**
   * Whether a change to any of `paths` can change this index's keys or membership. A path
   * changes a field when one is a prefix of the other ("tags" and "tags.0", "contact" and
   * "contact.email"); positional segments ($, $[], $[x]) cut the path there. A partial index
   * depends on the fields of its filter too, so it always counts.
   */
  dependsOn(paths: string[]): boolean {
    if (this.partial) return true;
    for (const raw of paths) {
      const dollar = raw.search(/(^|\.)\$/);
      const path = dollar === -1 ? raw : raw.slice(0, dollar);
      if (path === '') return true;
      for (const field of this.fields) {
        if (field === path || field.startsWith(`${path}.`) || path.startsWith(`${field}.`)) return true;
      }
    }
    return false;
  }

  /** Usable to narrow queries: only plain indexes give a complete candidate set. */
  get narrowsQueries(): boolean {
    return !this.sparse && !this.partial && !this.spec.collation;
  }

  /**
   * Ids whose first fields equal the given values and whose next field lies within the bounds:
   * `{campaignId: c, sentAt: {$gt: t}}` on (campaignId, sentAt) reads only the sentAt keys of
   * campaign c instead of every delivery of it. Numbers and dates only (their keys decode
   * exactly; strings would need MongoDB's byte order); null for anything else, and for multikey
   * indexes, where a range is not one key's property. A key that does not decode to a number
   * (NaN) is kept: the caller tests every candidate against the whole filter anyway.
   */
  lookupPrefixRange(valuesPerField: unknown[][], lower: { value: unknown; inclusive: boolean } | null, upper: { value: unknown; inclusive: boolean } | null): Set<string> | null {
    if (this.multikey || valuesPerField.length >= this.fields.length) return null;
    const kind = scalarKind((lower ?? upper)!.value);
    if (kind !== 'n' && kind !== 'd') return null;
    const low = lower ? (scalarOrder(lower.value) as number) : null;
    const high = upper ? (scalarOrder(upper.value) as number) : null;
    // A NaN bound orders nothing: the full filter decides, as without this lookup.
    if (Number.isNaN(low) || Number.isNaN(high)) return null;
    const ids = new Set<string>();
    for (const node of this.nodesUnder(valuesPerField)) {
      if (typeof node === 'string' || node instanceof Set) continue;
      for (const [key, child] of node) {
        if (key.charCodeAt(0) !== kind.charCodeAt(0) || key.charCodeAt(1) !== 58 /* ':' */) continue;
        const order = Number(key.slice(2));
        const inside =
          Number.isNaN(order) ||
          ((low === null || order > low || (lower!.inclusive && order === low)) && (high === null || order < high || (upper!.inclusive && order === high)));
        if (inside) collectIds(child, ids);
      }
    }
    return ids;
  }

  /** Range lookups are exact only on single-valued fields. */
  get supportsRange(): boolean {
    return this.narrowsQueries && !this.multikey;
  }

  /** Ids whose first field lies within the bounds (all bounds of one scalar kind). */
  lookupRange(lower: { value: unknown; inclusive: boolean } | null, upper: { value: unknown; inclusive: boolean } | null, resolve: (id: string) => Document | undefined): string[] {
    const sorted = this.sortedEntries(resolve);
    const kind = scalarKind((lower ?? upper)!.value)!;
    const lowOrder = lower ? scalarOrder(lower.value) : null;
    const highOrder = upper ? scalarOrder(upper.value) : null;
    let start = lowerBound(sorted, kind, lowOrder, lower ? !lower.inclusive : false);
    const ids: string[] = [];
    for (; start < sorted.length; start++) {
      const entry = sorted[start];
      if (entry.kind !== kind) break;
      if (highOrder !== null && (entry.order > highOrder || (!upper!.inclusive && entry.order === highOrder))) break;
      ids.push(entry.id);
    }
    return ids;
  }

  private sortedEntries(resolve: (id: string) => Document | undefined): SortedEntry[] {
    if (this.sorted) return this.sorted;
    const sorted: SortedEntry[] = [];
    const ids = new Set<string>();
    collectIds(this.root, ids);
    for (const id of ids) {
      const doc = resolve(id);
      const value = doc ? plainValueAtPath(doc, this.fields[0]) : undefined;
      const kind = scalarKind(value);
      if (kind) sorted.push({ kind, order: scalarOrder(value), id });
    }
    sorted.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    this.sorted = sorted;
    return sorted;
  }

  /** The tree's node under each combination of the given first fields' values (those present). */
  private *nodesUnder(valuesPerField: unknown[][]): Iterable<Level | Holders> {
    for (const combination of combinations(valuesPerField.map((values) => values.map(valueKey)))) {
      let node: Level | Holders | undefined = this.root;
      for (const key of combination) {
        node = (node as Level).get(key);
        if (node === undefined) break;
      }
      if (node !== undefined) yield node;
    }
  }

  /**
   * Calls `visit` with the last level and the last key of each key combination (one, unless
   * the document is multikey); `create` builds missing levels on the way down.
   */
  private eachLeaf(perField: string[][], create: boolean, visit: (leaf: Level | undefined, key: string) => void): void {
    const last = perField.length - 1;
    const descend = (level: Level | undefined, depth: number) => {
      if (depth === last) {
        for (const key of perField[depth]) visit(level, key);
        return;
      }
      for (const key of perField[depth]) {
        let next = level?.get(key) as Level | undefined;
        if (next === undefined && create && level) level.set(key, (next = new Map()));
        descend(next, depth + 1);
      }
    };
    descend(this.root, 0);
  }
}

/** Every combination of one key per field (the product; a single one for plain documents). */
function combinations(perField: string[][]): string[][] {
  let out: string[][] = [[]];
  for (const keys of perField) out = keys.length === 1 ? out.map((head) => [...head, keys[0]]) : out.flatMap((head) => keys.map((key) => [...head, key]));
  return out;
}

function collectIds(node: Level | Holders, ids: Set<string>): void {
  if (typeof node === 'string') ids.add(node);
  else if (node instanceof Set) for (const id of node) ids.add(id);
  else for (const child of node.values()) collectIds(child, ids);
}

/** Removes `id` under one key combination and drops the levels that became empty. */
function removePath(level: Level, keys: string[], depth: number, id: string): void {
  if (depth === keys.length - 1) {
    removeFrom(level as Map<string, Holders>, keys[depth], id);
    return;
  }
  const next = level.get(keys[depth]) as Level | undefined;
  if (next === undefined) return;
  removePath(next, keys, depth + 1, id);
  if (next.size === 0) level.delete(keys[depth]);
}

function lowerBound(sorted: SortedEntry[], kind: string, order: number | string | null, exclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const entry = sorted[mid];
    const before =
      entry.kind < kind || (entry.kind === kind && order !== null && (entry.order < order || (exclusive && entry.order === order)));
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ids holding one key: a lone id is kept as the string itself, a Set only once a second id
 * shares the key. Most keys of a unique or near-unique index have one holder, and a Set per
 * key cost more than the rest of an insert (allocation, and garbage collection of millions of Sets).
 */
type Holders = string | Set<string>;

function idsOf(holders: Holders): Iterable<string> {
  return typeof holders === 'string' ? [holders] : holders;
}

function addTo(map: Map<string, Holders>, key: string, id: string): void {
  const holders = map.get(key);
  if (holders === undefined) map.set(key, id);
  else if (typeof holders !== 'string') holders.add(id);
  else if (holders !== id) map.set(key, new Set([holders, id]));
}

function removeFrom(map: Map<string, Holders>, key: string, id: string): void {
  const holders = map.get(key);
  if (holders === undefined) return;
  if (typeof holders === 'string') {
    if (holders === id) map.delete(key);
    return;
  }
  holders.delete(id);
  if (holders.size === 0) map.delete(key);
}

/** The default name mongod gives an index: field_direction joined with underscores. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');
}

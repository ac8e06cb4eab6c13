/**
 * One secondary index: a hash map from the (compound) key to document ids, used to enforce
 * uniqueness and to answer equality lookups, plus a lazily sorted view of single-field keys
 * for range lookups. The `_id` index is the collection's own document map, not one of these.
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

/** A document's keys in one index: per depth of the key pattern, and whether it is multikey. */
export interface IndexKeys {
  levels: string[][];
  multikey: boolean;
}

export class SecondaryIndex {
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Query;
  /** Full compound key → ids. */
  private readonly entries = new Map<string, Holders>();
  /** For compound indexes: prefixes[k] maps the key of the first k+1 fields → ids (equality on a prefix). */
  private readonly prefixes: Array<Map<string, Holders>> = [];
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
    for (let k = 1; k < this.fields.length; k++) this.prefixes.push(new Map());
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
   * The keys a document has in this index, level by level: `[depth 1 keys, …, full keys]`
   * (compound prefixes first); null when the index does not cover the document. Computed once
   * per write and reused for the unique check, the entries and the prefixes.
   */
  keysOf(doc: Document): IndexKeys | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const levels: string[][] = [];
    let keys: string[] = [];
    let allMissing = true;
    let multikey = false;
    for (const [depth, field] of this.fields.entries()) {
      const { values, viaArray } = fieldValues(doc, field);
      if (viaArray || values.length > 1) multikey = true;
      if (values.length !== 1 || values[0] !== undefined) allMissing = false;
      const encoded = values.length === 1 ? [valueKey(values[0])] : [...new Set(values.map(valueKey))];
      keys = depth === 0 ? encoded : keys.flatMap((head) => encoded.map((k) => `${head}\u0001${k}`));
      levels.push(keys);
    }
    if (this.sparse && allMissing) return null;
    return { levels, multikey };
  }

  /** The id of a document other than `selfId` that already holds one of its keys, if any. */
  conflictFor(keys: IndexKeys, selfId: string): string | undefined {
    if (!this.unique) return undefined;
    for (const key of keys.levels[keys.levels.length - 1]) {
      const holders = this.entries.get(key);
      if (holders === undefined) continue;
      for (const holder of idsOf(holders)) if (holder !== selfId) return holder;
    }
    return undefined;
  }

  add(id: string, doc: Document, keys = this.keysOf(doc)): void {
    if (!keys) return;
    const full = keys.levels.length - 1;
    for (const key of keys.levels[full]) addTo(this.entries, key, id);
    for (let depth = 0; depth < full; depth++) for (const key of keys.levels[depth]) addTo(this.prefixes[depth], key, id);
    if (keys.multikey) this.multikey = true;
    this.sorted = null;
  }

  remove(id: string, doc: Document, keys = this.keysOf(doc)): void {
    if (!keys) return;
    const full = keys.levels.length - 1;
    for (const key of keys.levels[full]) removeFrom(this.entries, key, id);
    for (let depth = 0; depth < full; depth++) for (const key of keys.levels[depth]) removeFrom(this.prefixes[depth], key, id);
    this.sorted = null;
  }

  clear(): void {
    this.entries.clear();
    for (const map of this.prefixes) map.clear();
    this.sorted = null;
  }

  /**
   * Ids whose first fields equal the given values: `valuesPerField[i]` are the allowed values of
   * field i (plain scalars, already checked), for a prefix of the index's fields.
   */
  lookupEqual(valuesPerField: unknown[][]): Set<string> {
    const depth = valuesPerField.length;
    const map = depth === this.fields.length ? this.entries : this.prefixes[depth - 1];
    let keys = [''];
    for (const values of valuesPerField) {
      const encoded = values.map(valueKey);
      keys = keys.flatMap((head) => encoded.map((k) => (head ? `${head}\u0001${k}` : k)));
    }
    const ids = new Set<string>();
    for (const key of keys) {
      const holders = map.get(key);
      if (holders !== undefined) for (const id of idsOf(holders)) ids.add(id);
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
    const seen = new Set<string>();
    for (const ids of (this.prefixes[0] ?? this.entries).values()) {
      for (const id of idsOf(ids)) {
        if (seen.has(id)) continue;
        seen.add(id);
        const doc = resolve(id);
        const value = doc ? plainValueAtPath(doc, this.fields[0]) : undefined;
        const kind = scalarKind(value);
        if (kind) sorted.push({ kind, order: scalarOrder(value), id });
      }
    }
    sorted.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    this.sorted = sorted;
    return sorted;
  }
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

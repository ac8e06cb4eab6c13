/**
 * One secondary index: a hash map from the (compound) key to document ids, used to enforce
 * uniqueness and to answer equality lookups, plus a lazily sorted view of single-field keys
 * for range lookups. The `_id` index is the collection's own document map, not one of these.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { plainValueAtPath, scalarKind, scalarOrder, valueKey, valuesAtPath } from './keys';
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

export class SecondaryIndex {
  readonly name: string;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Query;
  /** Full compound key → ids. */
  private readonly entries = new Map<string, Set<string>>();
  /** For compound indexes: prefixes[k] maps the key of the first k+1 fields → ids (equality on a prefix). */
  private readonly prefixes: Array<Map<string, Set<string>>> = [];
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

  /** Usable to narrow queries: only plain indexes give a complete candidate set. */
  get narrowsQueries(): boolean {
    return !this.sparse && !this.partial && !this.spec.collation;
  }

  /** The keys a document has in this index; null when the index does not cover it. */
  keysOf(doc: Document): string[] | null {
    if (this.partial && !this.partial.test(doc)) return null;
    const perField = this.fields.map((field) => valuesAtPath(doc, field));
    if (this.sparse && perField.every((values) => values.length === 1 && values[0] === undefined)) return null;
    let keys = [''];
    for (const values of perField) {
      const distinct = [...new Set(values.map(valueKey))];
      keys = keys.flatMap((head) => distinct.map((k) => (head ? `${head}\u0001${k}` : k)));
    }
    return keys;
  }

  /** The id of a document other than `selfId` that already holds one of `keys`, if any. */
  conflictFor(keys: string[], selfId: string): string | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      const holders = this.entries.get(key);
      if (!holders) continue;
      for (const holder of holders) if (holder !== selfId) return holder;
    }
    return undefined;
  }

  add(id: string, doc: Document, keys = this.keysOf(doc)): void {
    if (!keys) return;
    for (const key of keys) addTo(this.entries, key, id);
    for (const [k, map] of this.prefixes.entries()) for (const key of this.prefixKeys(doc, k + 1)) addTo(map, key, id);
    if (!this.multikey && this.fields.some((field) => valuesAtPath(doc, field).length > 1 || Array.isArray(plainValueAtPath(doc, field)))) {
      this.multikey = true;
    }
    this.sorted = null;
  }

  remove(id: string, doc: Document): void {
    const keys = this.keysOf(doc);
    if (!keys) return;
    for (const key of keys) removeFrom(this.entries, key, id);
    for (const [k, map] of this.prefixes.entries()) for (const key of this.prefixKeys(doc, k + 1)) removeFrom(map, key, id);
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
      if (holders) for (const id of holders) ids.add(id);
    }
    return ids;
  }

  private prefixKeys(doc: Document, depth: number): string[] {
    let keys = [''];
    for (const field of this.fields.slice(0, depth)) {
      const distinct = [...new Set(valuesAtPath(doc, field).map(valueKey))];
      keys = keys.flatMap((head) => distinct.map((k) => (head ? `${head}\u0001${k}` : k)));
    }
    return keys;
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
      for (const id of ids) {
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

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const holders = map.get(key);
  if (holders) holders.add(id);
  else map.set(key, new Set([id]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const holders = map.get(key);
  if (!holders) return;
  holders.delete(id);
  if (holders.size === 0) map.delete(key);
}

/** The default name mongod gives an index: field_direction joined with underscores. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');
}

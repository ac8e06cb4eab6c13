/**
 * Canonical string keys for BSON values, so that equal values (1 and 1.0, two ObjectId
 * instances with the same bytes) land on the same index entry and the same document slot.
 */
import type { Document } from 'bson';

type Bsonish = { _bsontype?: string; toHexString?: () => string; toString: (encoding?: string) => string };

export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'N';
  switch (typeof value) {
    case 'number':
      return `n:${value === 0 ? 0 : value}`;
    case 'string':
      return `s:${value}`;
    case 'boolean':
      return value ? 'b:1' : 'b:0';
    case 'bigint':
      return `n:${Number(value)}`;
    case 'object':
      break;
    default:
      return `?:${String(value)}`;
  }
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (Array.isArray(value)) return `a:[${value.map(valueKey).join(',')}]`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  const bson = value as Bsonish;
  switch (bson._bsontype) {
    case 'ObjectId':
    case 'ObjectID':
      return `o:${bson.toHexString!()}`;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return `n:${Number(bson.toString())}`;
    case 'Binary':
    case 'UUID':
      return `x:${bson.toString('base64')}`;
    case undefined:
      break;
    default:
      return `${bson._bsontype}:${bson.toString()}`;
  }
  const parts: string[] = [];
  for (const [field, inner] of Object.entries(value as Document)) parts.push(`${field}=${valueKey(inner)}`);
  return `O:{${parts.join(',')}}`;
}

/**
 * The values a dotted path reaches in a document, descending through arrays the way MongoDB
 * does ("tags" of {tags:[a,b]} gives a and b). A missing path gives [undefined].
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out.length > 0 ? out : [undefined];
}

function collect(value: unknown, parts: string[], depth: number, out: unknown[]): void {
  if (depth === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else out.push(...value);
    } else out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const index = Number(parts[depth]);
    if (Number.isInteger(index) && String(index) === parts[depth]) collect(value[index], parts, depth + 1, out);
    else for (const element of value) collect(element, parts, depth, out);
    return;
  }
  const next = (value as Document)[parts[depth]];
  if (next === undefined) return;
  collect(next, parts, depth + 1, out);
}

/** valuesAtPath, and whether the path went through an array (the field is then multikey). */
export function fieldValues(doc: Document, path: string): { values: unknown[]; viaArray: boolean } {
  // The common case: a plain top-level scalar, without splitting or recursion.
  if (!path.includes('.')) {
    const value = doc[path];
    if (!Array.isArray(value)) return { values: [value], viaArray: false };
  }
  const values = valuesAtPath(doc, path);
  let viaArray = false;
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      viaArray = true;
      break;
    }
    if (current === null || typeof current !== 'object') break;
    current = (current as Document)[part];
  }
  return { values, viaArray: viaArray || Array.isArray(current) };
}

/** Reads a dotted path without array expansion (for building keyValue in error messages). */
export function plainValueAtPath(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Document)[part];
  }
  return value;
}

/** Orders scalar values for range lookups; values of different kinds never compare. */
export function scalarKind(value: unknown): 'n' | 's' | 'd' | null {
  if (typeof value === 'number') return 'n';
  if (typeof value === 'string') return 's';
  if (value instanceof Date) return 'd';
  return null;
}

export function scalarOrder(value: unknown): number | string {
  return value instanceof Date ? value.getTime() : (value as number | string);
}

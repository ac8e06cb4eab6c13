/**
 * The databases and collections held in memory, and the one place that turns every change
 * into journal operations, so that what is in memory and what is on disk cannot drift apart.
 */
import type { Document } from 'bson';
import { Collection, normalizeIndexSpec } from './collection';
import { badValue, CommandError, namespaceExists } from './errors';
import type { IndexSpec } from './indexes';
import type { JournalOp } from './journal';

/** The operations of one command, journaled together before the reply. */
export type WriteLog = JournalOp[];

export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();

  databaseNames(): string[] {
    return [...this.databases.entries()].filter(([, collections]) => collections.size > 0).map(([name]) => name);
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly (as mongod does on first insert or index). */
  ensure(db: string, name: string, log: WriteLog): Collection {
    return this.get(db, name) ?? this.create(db, name, {}, log);
  }

  create(db: string, name: string, options: Document, log: WriteLog): Collection {
    validateCollectionName(db, name);
    if (this.get(db, name)) throw namespaceExists(`${db}.${name}`);
    const collection = new Collection(db, name, options);
    let collections = this.databases.get(db);
    if (!collections) this.databases.set(db, (collections = new Map()));
    collections.set(name, collection);
    log.push({ o: 'createColl', db, c: name, opts: options });
    return collection;
  }

  drop(db: string, name: string, log: WriteLog): number | null {
    const collection = this.get(db, name);
    if (!collection) return null;
    this.databases.get(db)!.delete(name);
    log.push({ o: 'dropColl', db, c: name });
    return collection.indexes.size + 1;
  }

  dropDatabase(db: string, log: WriteLog): void {
    this.databases.delete(db);
    log.push({ o: 'dropDb', db });
  }

  createIndex(collection: Collection, rawSpec: Document, log: WriteLog): 'created' | 'exists' {
    const spec = normalizeIndexSpec(rawSpec);
    if (spec.name === '_id_' || sameKey(spec.key, { _id: 1 })) return 'exists';
    const existing = collection.indexes.get(spec.name);
    if (existing) {
      if (sameKey(existing.spec.key, spec.key) && Boolean(existing.spec.unique) === Boolean(spec.unique)) return 'exists';
      throw new CommandError(86, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`);
    }
    for (const other of collection.indexes.values()) {
      if (sameKey(other.spec.key, spec.key)) {
        if (Boolean(other.spec.unique) === Boolean(spec.unique) && other.spec.expireAfterSeconds === spec.expireAfterSeconds) return 'exists';
        throw new CommandError(85, 'IndexOptionsConflict', `Index already exists with a different name or options: ${other.name}`);
      }
    }
    collection.createIndex(spec);
    log.push({ o: 'createIdx', db: collection.db, c: collection.name, spec });
    return 'created';
  }

  dropIndex(collection: Collection, name: string, log: WriteLog): void {
    collection.dropIndex(name);
    log.push({ o: 'dropIdx', db: collection.db, c: collection.name, name });
  }

  /** Applies a journaled operation during start-up, without checks. */
  replay(op: JournalOp): void {
    switch (op.o) {
      case 'put':
        this.restoreCollection(op.db, op.c).restoreDocument(op.d);
        break;
      case 'del':
        this.get(op.db, op.c)?.restoreRemoval(op.id);
        break;
      case 'createColl':
        this.restoreCollection(op.db, op.c, op.opts);
        break;
      case 'dropColl':
        this.databases.get(op.db)?.delete(op.c);
        break;
      case 'dropDb':
        this.databases.delete(op.db);
        break;
      case 'createIdx':
        this.restoreCollection(op.db, op.c).restoreIndex(op.spec as IndexSpec);
        break;
      case 'dropIdx':
        this.get(op.db, op.c)?.dropIndex(op.name);
        break;
    }
  }

  /** The whole state as operations: what a snapshot holds. */
  *snapshot(): Iterable<JournalOp> {
    for (const [db, collections] of this.databases) {
      for (const collection of collections.values()) {
        yield { o: 'createColl', db, c: collection.name, opts: collection.options };
        for (const doc of collection.docs.values()) yield { o: 'put', db, c: collection.name, d: doc };
        for (const index of collection.indexes.values()) yield { o: 'createIdx', db, c: collection.name, spec: index.spec };
      }
    }
  }

  private restoreCollection(db: string, name: string, options: Document = {}): Collection {
    const existing = this.get(db, name);
    if (existing) return existing;
    let collections = this.databases.get(db);
    if (!collections) this.databases.set(db, (collections = new Map()));
    const collection = new Collection(db, name, options);
    collections.set(name, collection);
    return collection;
  }
}

function sameKey(a: Document, b: Document): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function validateCollectionName(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db)) throw new CommandError(73, 'InvalidNamespace', `Invalid database name: '${db}'`);
  if (typeof name !== 'string' || name.length === 0 || name.includes('$') || name.includes('\0')) {
    throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: '${String(name)}'`);
  }
  if (name.length > 255) throw badValue('collection name too long');
}

/** Catalog commands: collections, databases and indexes. */
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { CommandHandler } from './engine';
import { badValue, indexNotFound, namespaceNotFound } from './errors';
import { defaultIndexName } from './indexes';

export const adminCommands: Record<string, CommandHandler> = {
  create(command, context) {
    const { create, $db: _db, lsid: _lsid, $clusterTime: _ct, writeConcern: _wc, ...options } = command;
    if (options.timeseries || options.clusteredIndex) throw badValue('time-series and clustered collections are not supported by the embedded database');
    context.engine.catalog.create(context.db, String(create), stripSessionFields(options), context.log);
    return { ok: 1 };
  },

  drop(command, context) {
    const nIndexesWas = context.engine.catalog.drop(context.db, String(command.drop), context.log);
    return nIndexesWas === null ? { ok: 1 } : { nIndexesWas, ns: `${context.db}.${command.drop}`, ok: 1 };
  },

  dropDatabase(_command, context) {
    context.engine.catalog.dropDatabase(context.db, context.log);
    return { dropped: context.db, ok: 1 };
  },

  listDatabases(command, context) {
    const databases = context.engine.catalog.databaseNames().map((name) => ({ name, sizeOnDisk: 0, empty: false }));
    if (command.nameOnly) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
    return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
  },

  listCollections(command, context) {
    let infos: Document[] = context.engine.catalog.collections(context.db).map((collection) => ({
      name: collection.name,
      type: 'collection',
      options: collection.options,
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }));
    if (command.filter && Object.keys(command.filter).length > 0) infos = new Query(command.filter as Document).find(infos).all() as Document[];
    if (command.nameOnly) infos = infos.map(({ name, type }) => ({ name, type }));
    const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
    return context.engine.cursors.first(`${context.db}.$cmd.listCollections`, infos, batchSize, false);
  },

  createIndexes(command, context) {
    if (!Array.isArray(command.indexes) || command.indexes.length === 0) throw badValue("'indexes' must be a non-empty array");
    const name = String(command.createIndexes);
    const createdCollectionAutomatically = !context.engine.catalog.get(context.db, name);
    const collection = context.engine.catalog.ensure(context.db, name, context.log);
    const numIndexesBefore = collection.indexes.size + 1;
    let created = 0;
    for (const spec of command.indexes as Document[]) if (context.engine.catalog.createIndex(collection, spec, context.log) === 'created') created++;
    return {
      numIndexesBefore,
      numIndexesAfter: collection.indexes.size + 1,
      createdCollectionAutomatically,
      ...(created === 0 ? { note: 'all indexes already exist' } : {}),
      ok: 1,
    };
  },

  listIndexes(command, context) {
    const collection = context.engine.catalog.get(context.db, String(command.listIndexes));
    if (!collection) throw namespaceNotFound(`${context.db}.${command.listIndexes}`);
    const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
    return context.engine.cursors.first(`${context.db}.${collection.name}`, collection.indexSpecs(), batchSize, false);
  },

  dropIndexes(command, context) {
    const collection = context.engine.catalog.get(context.db, String(command.dropIndexes));
    if (!collection) throw namespaceNotFound(`${context.db}.${command.dropIndexes}`);
    const nIndexesWas = collection.indexes.size + 1;
    const requested = command.index;
    let names: string[];
    if (requested === '*') names = [...collection.indexes.keys()];
    else if (Array.isArray(requested)) names = requested.map(String);
    else if (typeof requested === 'string') names = [requested];
    else if (requested && typeof requested === 'object') names = [defaultIndexNameFor(collection.indexes, requested as Document)];
    else throw badValue("'index' must be a name, a key pattern, an array of names or '*'");
    for (const name of names) {
      if (name === '_id_') throw badValue('cannot drop _id index');
      if (!collection.indexes.has(name)) throw indexNotFound(name);
    }
    for (const name of names) context.engine.catalog.dropIndex(collection, name, context.log);
    return { nIndexesWas, ok: 1 };
  },
};

function defaultIndexNameFor(indexes: Map<string, { spec: { key: Document } }>, key: Document): string {
  for (const [name, index] of indexes) if (JSON.stringify(index.spec.key) === JSON.stringify(key)) return name;
  return defaultIndexName(key);
}

function stripSessionFields(options: Document): Document {
  const kept: Document = {};
  for (const [key, value] of Object.entries(options)) if (!key.startsWith('$') && !['lsid', 'txnNumber', 'apiVersion', 'apiStrict', 'comment'].includes(key)) kept[key] = value;
  return kept;
}

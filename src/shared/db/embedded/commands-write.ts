/**
 * Write commands: insert, update, delete, findAndModify. Each document write is atomic; a
 * batch reports per-statement errors in `writeErrors` and stops at the first one when ordered.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import type { Collection } from './collection';
import type { CommandHandler } from './engine';
import { badValue, toCommandError } from './errors';
import { applyUpdate, copyDocument, upsertedDocument } from './updates';

export const writeCommands: Record<string, CommandHandler> = {
  insert(command, context) {
    const documents = statements(command, 'documents');
    const collection = context.engine.catalog.ensure(context.db, String(command.insert), context.log);
    let n = 0;
    const writeErrors = runBatch(documents, command.ordered !== false, (doc) => {
      collection.insert(doc);
      context.log.push({ o: 'put', db: context.db, c: collection.name, d: doc });
      n++;
    });
    return withErrors({ n, ok: 1 }, writeErrors);
  },

  update(command, context) {
    const updates = statements(command, 'updates');
    const name = String(command.update);
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors = runBatch(updates, command.ordered !== false, (statement, index) => {
      const query = (statement.q ?? {}) as Document;
      const update = statement.u as Document | Document[];
      if (!update || typeof update !== 'object') throw badValue("'u' must be an object or a pipeline");
      const options = { query, arrayFilters: statement.arrayFilters as Document[] | undefined };
      const existing = context.engine.catalog.get(context.db, name);
      let matches = existing ? existing.find(query) : [];
      if (statement.multi !== true) matches = matches.slice(0, 1);
      for (const doc of matches) {
        const updated = applyUpdate(doc, update, options);
        n++;
        if (!updated) continue;
        existing!.replace(doc, updated.next, updated.changedPaths);
        context.log.push({ o: 'put', db: context.db, c: name, d: updated.next });
        nModified++;
      }
      if (matches.length === 0 && statement.upsert === true) {
        const doc = upsertedDocument(update, options);
        const collection = context.engine.catalog.ensure(context.db, name, context.log);
        collection.insert(doc);
        context.log.push({ o: 'put', db: context.db, c: name, d: doc });
        upserted.push({ index, _id: doc._id });
        n++;
      }
    });
    return withErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ok: 1 }, writeErrors);
  },

  delete(command, context) {
    const deletes = statements(command, 'deletes');
    const collection = context.engine.catalog.get(context.db, String(command.delete));
    let n = 0;
    const writeErrors = runBatch(deletes, command.ordered !== false, (statement) => {
      if (!collection) return;
      let matches = collection.find((statement.q ?? {}) as Document);
      if (Number(statement.limit) === 1) matches = matches.slice(0, 1);
      for (const doc of matches) {
        collection.remove(doc);
        context.log.push({ o: 'del', db: context.db, c: collection.name, id: doc._id });
        n++;
      }
    });
    return withErrors({ n, ok: 1 }, writeErrors);
  },

  findAndModify(command, context) {
    const name = String(command.findAndModify ?? command.findandmodify);
    const query = (command.query ?? {}) as Document;
    const existing = context.engine.catalog.get(context.db, name);
    const doc = existing ? firstMatch(existing, query, command.sort as Document | undefined) : undefined;
    const project = (value: Document | null) => (value && command.fields ? projectOne(value, command.fields as Document, query) : value);

    if (command.remove === true) {
      if (!doc) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      existing!.remove(doc);
      context.log.push({ o: 'del', db: context.db, c: name, id: doc._id });
      return { lastErrorObject: { n: 1 }, value: project(doc), ok: 1 };
    }
    const update = command.update as Document | Document[] | undefined;
    if (!update || typeof update !== 'object') throw badValue('Either an update or remove=true must be specified');
    const options = { query, arrayFilters: command.arrayFilters as Document[] | undefined };
    if (doc) {
      const updated = applyUpdate(doc, update, options);
      if (updated) {
        existing!.replace(doc, updated.next, updated.changedPaths);
        context.log.push({ o: 'put', db: context.db, c: name, d: updated.next });
      }
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(command.new === true ? (updated?.next ?? doc) : doc), ok: 1 };
    }
    if (command.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const inserted = upsertedDocument(update, options);
    context.engine.catalog.ensure(context.db, name, context.log).insert(inserted);
    context.log.push({ o: 'put', db: context.db, c: name, d: inserted });
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      value: command.new === true ? project(inserted) : null,
      ok: 1,
    };
  },
};

/** The statements of a batch, from the body or from an OP_MSG document sequence. */
function statements(command: Document, field: string): Document[] {
  const list = command[field];
  if (!Array.isArray(list)) throw badValue(`'${field}' must be an array`);
  return list as Document[];
}

/** Runs each statement; collects errors as mongod reports them; ordered batches stop at the first. */
function runBatch(items: Document[], ordered: boolean, run: (item: Document, index: number) => void): Document[] {
  const writeErrors: Document[] = [];
  for (let index = 0; index < items.length; index++) {
    try {
      run(items[index], index);
    } catch (error) {
      const failure = toCommandError(error);
      writeErrors.push({ index, code: failure.code, codeName: failure.codeName, errmsg: failure.message, ...failure.extra });
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors } : reply;
}

function firstMatch(collection: Collection, query: Document, sort: Document | undefined): Document | undefined {
  const matches = collection.find(query);
  if (matches.length <= 1 || !sort || Object.keys(sort).length === 0) return matches[0];
  return new Query({}).find(matches).sort(sort as Record<string, 1 | -1>).limit(1).all()[0] as Document | undefined;
}

function projectOne(doc: Document, fields: Document, query: Document): Document {
  if (Object.keys(fields).length === 0) return doc;
  return (new Query(query).find([copyDocument(doc)], fields).all()[0] as Document | undefined) ?? doc;
}


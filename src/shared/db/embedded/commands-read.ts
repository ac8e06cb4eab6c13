/** Read commands: find, getMore, killCursors, aggregate, count, distinct, explain. */
import type { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import type { Collection } from './collection';
import type { CommandContext, CommandHandler } from './engine';
import { badValue, cursorNotFound, notSupported } from './errors';
import { valueKey, valuesAtPath } from './keys';

export const readCommands: Record<string, CommandHandler> = {
  find(command, context) {
    const ns = `${context.db}.${command.find}`;
    const docs = findDocuments(context.engine.catalog.get(context.db, String(command.find)), command);
    return context.engine.cursors.first(ns, docs, optionalNumber(command.batchSize), command.singleBatch === true);
  },

  getMore(command, context) {
    const id = Number(command.getMore);
    const reply = context.engine.cursors.more(id, optionalNumber(command.batchSize));
    if (!reply) throw cursorNotFound(id);
    return reply;
  },

  killCursors(command, context) {
    const ids = (Array.isArray(command.cursors) ? command.cursors : []).map(Number);
    const { killed, notFound } = context.engine.cursors.kill(ids);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  },

  aggregate(command, context) {
    if (!Array.isArray(command.pipeline)) throw badValue("'pipeline' option must be specified as an array");
    const pipeline = command.pipeline as Document[];
    for (const stage of pipeline) {
      const name = Object.keys(stage)[0];
      if (['$out', '$merge', '$changeStream', '$search', '$geoNear', '$collStats', '$indexStats', '$currentOp'].includes(name)) throw notSupported(name);
    }
    const collectionName = String(command.aggregate);
    const collection = context.engine.catalog.get(context.db, collectionName);
    const results = runPipeline(context, collection, pipeline);
    if (command.explain) return { explainVersion: '1', stages: pipeline, ok: 1 };
    const cursorOptions = (command.cursor ?? {}) as Document;
    return context.engine.cursors.first(`${context.db}.${collectionName}`, results, optionalNumber(cursorOptions.batchSize), false);
  },

  count(command, context) {
    const collection = context.engine.catalog.get(context.db, String(command.count));
    if (!collection) return { n: 0, ok: 1 };
    const query = (command.query ?? {}) as Document;
    let n = Object.keys(query).length === 0 ? collection.docs.size : collection.find(query).length;
    const skip = optionalNumber(command.skip) ?? 0;
    n = Math.max(0, n - skip);
    const limit = optionalNumber(command.limit);
    if (limit) n = Math.min(n, Math.abs(limit));
    return { n, ok: 1 };
  },

  distinct(command, context) {
    if (typeof command.key !== 'string') throw badValue("'key' must be a string");
    const collection = context.engine.catalog.get(context.db, String(command.distinct));
    const seen = new Map<string, unknown>();
    for (const doc of collection?.find((command.query ?? {}) as Document) ?? []) {
      for (const value of valuesAtPath(doc, command.key)) {
        if (value === undefined) continue;
        const key = valueKey(value);
        if (!seen.has(key)) seen.set(key, value);
      }
    }
    return { values: [...seen.values()], ok: 1 };
  },

  /** Enough of explain to see whether a query reads through an index. */
  explain(command, context) {
    const inner = (command.explain ?? {}) as Document;
    const name = Object.keys(inner)[0];
    const collectionName = String(inner[name]);
    const collection = context.engine.catalog.get(context.db, collectionName);
    const filter = (inner.filter ?? inner.query ?? inner.q ?? {}) as Document;
    const plan = collection?.plan(filter).plan ?? { stage: 'EOF' };
    const winningPlan = plan.stage === 'IXSCAN' ? { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: plan.indexName } } : { stage: plan.stage };
    return { queryPlanner: { namespace: `${context.db}.${collectionName}`, winningPlan, rejectedPlans: [] }, ok: 1 };
  },
};

/** find semantics: candidates through the planner, then mingo's filter, sort, skip, limit and projection. */
export function findDocuments(collection: Collection | undefined, command: Document): Document[] {
  if (!collection) return [];
  const filter = (command.filter ?? {}) as Document;
  const projection = command.projection && Object.keys(command.projection).length > 0 ? (command.projection as Document) : undefined;
  const collation = collationOptions(command.collation);
  const { candidates, residual } = collection.plan(filter, !collation);
  const query = new Query(residual, collation);
  const checks = Object.keys(residual).length > 0;
  const sort = command.sort && Object.keys(command.sort).length > 0 ? (command.sort as Record<string, 1 | -1>) : undefined;
  const skip = optionalNumber(command.skip) ?? 0;
  const limit = Math.abs(optionalNumber(command.limit) ?? 0);
  if (!sort && limit > 0) {
    // Without a sort, the first matches are the answer: stop scanning once there are enough
    // (findOne, claim queries and pages do not read the whole collection).
    const page: Document[] = [];
    for (const doc of candidates) {
      if (checks && !query.test(doc)) continue;
      page.push(doc);
      if (page.length >= skip + limit) break;
    }
    const kept = page.slice(skip);
    return projection ? (query.find(kept, projection).all() as Document[]) : kept;
  }
  const fields = !sort && !skip && !limit && projection ? topLevelInclusion(projection) : null;
  if (fields) {
    const matches: Document[] = [];
    for (const doc of candidates) if (!checks || query.test(doc)) matches.push(pick(doc, fields));
    return matches;
  }
  let cursor = query.find([...candidates], projection);
  if (sort) cursor = cursor.sort(sort);
  if (skip) cursor = cursor.skip(skip);
  if (limit) cursor = cursor.limit(limit);
  return cursor.all() as Document[];
}

/**
 * The fields of a projection that only includes top-level fields ({name: 1, value: 1}): those
 * are picked directly, where mingo's general projection costs more than the rest of a find.
 */
function topLevelInclusion(projection: Document): Set<string> | null {
  const fields = new Set<string>(['_id']);
  let includes = false;
  for (const [field, value] of Object.entries(projection)) {
    if (field.includes('.') || field.startsWith('$')) return null;
    if (field === '_id' && (value === 0 || value === false)) fields.delete('_id');
    else if (value === 1 || value === true) {
      includes = true;
      fields.add(field);
    } else return null;
  }
  // {_id: 0} alone excludes: every other field stays, which is mingo's to do.
  return includes ? fields : null;
}

/** The document's included fields in its own order (nested values shared: stored documents are never mutated). */
function pick(doc: Document, fields: Set<string>): Document {
  const picked: Document = {};
  for (const field of Object.keys(doc)) if (fields.has(field)) picked[field] = doc[field];
  return picked;
}

function runPipeline(context: CommandContext, collection: Collection | undefined, pipeline: Document[]): Document[] {
  let source: Document[] = [];
  let stages = pipeline;
  if (collection) {
    const first = pipeline[0];
    // A leading $match is answered by the planner (index lookup, then only the conditions the
    // lookup did not satisfy), not tested again by mingo on every candidate.
    if (first && first.$match) {
      source = collection.find(first.$match as Document);
      stages = pipeline.slice(1);
    } else source = [...collection.docs.values()];
  }
  if (stages.length === 0) return source;
  // The driver's countDocuments: [{$match}, {$group: {_id: 1, n: {$sum: 1}}}].
  if (stages.length === 1 && isCountGroup(stages[0])) return source.length === 0 ? [] : [{ _id: 1, n: source.length }];
  const aggregator = new Aggregator(stages, {
    collectionResolver: (name: string) => [...(context.engine.catalog.get(context.db, name)?.docs.values() ?? [])],
  });
  return aggregator.run(source) as Document[];
}

function isCountGroup(stage: Document): boolean {
  const group = stage.$group as Document | undefined;
  if (!group || Object.keys(stage).length !== 1 || Object.keys(group).length !== 2 || group._id !== 1) return false;
  const n = group.n as Document | undefined;
  return !!n && Object.keys(n).length === 1 && n.$sum === 1;
}

function collationOptions(collation: unknown): Record<string, unknown> | undefined {
  return collation && typeof collation === 'object' ? { collation } : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

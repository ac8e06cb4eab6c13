/**
 * Lets in-process caches of rarely written collections (the active classifier, the webhook
 * endpoints) notice a change made in this process at once: `countWrites(schema, name)` counts
 * every successful write through a model of that schema (documents saved or deleted, update and
 * delete queries, insertMany, bulkWrite), and `writesTo(name)` reads the count.
 *
 * Writes from other processes, or made straight through the driver, are not counted: caches
 * built on this keep a short time-to-live for those.
 */
import type { Schema } from 'mongoose';

const counts = new Map<string, number>();

const writeQueries = ['updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'] as const;

/** Counts the writes through models of `schema` under `name` (call before the model is compiled). */
export function countWrites<T>(schema: Schema<T>, name: string): void {
  const counted = () => void counts.set(name, (counts.get(name) ?? 0) + 1);
  schema.post([...writeQueries], { query: true, document: false }, counted);
  schema.post(['save', 'deleteOne', 'updateOne'], { document: true, query: false }, counted);
  schema.post('insertMany', counted);
  schema.post('bulkWrite', counted);
}

/** How many writes this process made through models counted under `name`. */
export function writesTo(name: string): number {
  return counts.get(name) ?? 0;
}

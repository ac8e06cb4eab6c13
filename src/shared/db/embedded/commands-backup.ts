/**
 * `{ churnBackup: 1 }` on a database: a point-in-time copy of it, handed out as a cursor.
 *
 * The command runs in one turn of the single-threaded server, so no write lands half-way
 * through it, across all collections; and a stored document is never changed in place (an
 * update stores a new object), so holding references to the current documents is a frozen copy
 * that later writes do not touch. The first record describes the database (collections, their
 * options, indexes and document counts); each following one is `{ c: collection, d: document }`.
 */
import type { Document } from 'bson';
import type { CommandHandler } from './engine';

export const backupCommands: Record<string, CommandHandler> = {
  churnBackup(command, context) {
    const collections = context.engine.catalog.collections(context.db).filter((collection) => !collection.name.startsWith('system.'));
    const header = {
      header: {
        takenAt: new Date(),
        database: context.db,
        collections: collections.map((collection) => ({
          name: collection.name,
          options: collection.options,
          indexes: [...collection.indexes.values()].map((index) => index.spec),
          documents: collection.docs.size,
        })),
      },
    };
    const records: Document[] = [header];
    for (const collection of collections) {
      for (const doc of collection.docs.values()) records.push({ c: collection.name, d: doc });
    }
    const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
    return context.engine.cursors.first(`${context.db}.$cmd.churnBackup`, records, batchSize, false);
  },
};

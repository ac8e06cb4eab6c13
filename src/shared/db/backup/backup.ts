/**
 * Backup and restore of the app's database.
 *
 * Backup asks the embedded database for a point-in-time copy (its `churnBackup` command, one
 * atomic step while the app keeps running) and streams it into a backup file. A real MongoDB
 * has no such command; copying its collections one after another would mix moments, so the
 * backup refuses and points to `mongodump`, which does this properly.
 *
 * Restore checks the whole file first, refuses to replace data unless forced, then empties the
 * database and loads collections, documents and indexes with ordinary driver commands, so it
 * works on the embedded database and on a real MongoDB alike (a way to move from one to the other).
 */
import fs from 'node:fs';
import type { Db, Document } from 'mongodb';
import { backupFormat, backupRecords, backupVersion, verifyBackupFile, writeBackupFile, type BackupCollection, type BackupHeader, type BackupRecord } from './backup-file';

/** The backup was not taken or the restore not done; the message says why and what to do. */
export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

export interface BackupOutcome {
  header: BackupHeader;
  bytes: number;
}

/** Writes a point-in-time backup of `db` to `file` (refuses to replace an existing file unless `overwrite`). */
export async function takeBackup(db: Db, file: string, options: { overwrite?: boolean } = {}): Promise<BackupOutcome> {
  if (!options.overwrite && fs.existsSync(file)) throw new BackupRefusedError(`${file} exists already; choose another name or add --force to replace it.`);
  // Values exactly as the server sends them (an Int32 stays an Int32, a Long a Long) for the file.
  const cursor = db.runCursorCommand({ churnBackup: 1, cursor: { batchSize: 1000 } }, { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true });
  cursor.setBatchSize(1000);
  try {
    let first: Document | null;
    try {
      first = await cursor.next();
    } catch (error) {
      if ((error as { code?: unknown }).code === 59) throw new BackupRefusedError(realMongoAdvice(db.databaseName));
      throw error;
    }
    const header = headerFrom(first, db.databaseName);
    const bytes = await writeBackupFile(file, header, checkedRecords(cursor as AsyncIterable<Document>, header));
    return { header, bytes };
  } finally {
    await cursor.close();
  }
}

export interface RestoreOutcome {
  header: BackupHeader;
  /** Documents the database held before and that the restore replaced. */
  replacedDocuments: number;
}

/**
 * Replaces the contents of `db` with the backup in `file`. Nothing is written when the file is
 * not a complete backup, or when `db` holds documents and `force` is not set.
 */
export async function restoreBackup(db: Db, file: string, options: { force?: boolean } = {}): Promise<RestoreOutcome> {
  const header = await verifyBackupFile(file);
  const held = await documentsHeld(db);
  const replacedDocuments = held.reduce((sum, { documents }) => sum + documents, 0);
  if (replacedDocuments > 0 && !options.force) {
    const listed = held.map(({ name, documents }) => `${name} ${documents}`).join(', ');
    throw new BackupRefusedError(`The database "${db.databaseName}" is not empty (${listed}). A restore replaces everything in it: add --force to do that.`);
  }

  await db.dropDatabase();
  for (const collection of header.collections) await db.createCollection(collection.name, collection.options);
  await loadDocuments(db, backupRecords(file));
  for (const collection of header.collections) {
    if (collection.indexes.length > 0) await db.collection(collection.name).createIndexes(collection.indexes.map(indexSpecFor) as never);
  }
  return { header, replacedDocuments };
}

// ---------------------------------------------------------------------------------------------

function realMongoAdvice(database: string): string {
  return [
    'This database is not the embedded one, and only the embedded database can copy itself at one point in time while the app runs.',
    'For MongoDB, use its own tools, e.g.:',
    `  mongodump --uri "$MONGODB_URI" --db ${database} --gzip --archive=churn-backup.archive.gz   (add --oplog on a replica set for a point-in-time dump)`,
    `  mongorestore --uri "$MONGODB_URI" --gzip --archive=churn-backup.archive.gz --drop`,
  ].join('\n');
}

function headerFrom(first: Document | null, database: string): BackupHeader {
  const described = first?.header as { takenAt: Date; collections: BackupCollection[] } | undefined;
  if (!described) throw new Error('The database answered the backup command without a description of its contents.');
  const collections = described.collections.map(({ name, options, indexes, documents }) => ({ name, options, indexes, documents: Number(documents) }));
  return {
    format: backupFormat,
    version: backupVersion,
    takenAt: described.takenAt,
    database,
    pointInTime: true,
    collections,
    documents: collections.reduce((sum, collection) => sum + collection.documents, 0),
  };
}

/** The cursor's records, checked against the counts the header promised as they go by. */
async function* checkedRecords(cursor: AsyncIterable<Document>, header: BackupHeader): AsyncGenerator<BackupRecord> {
  const expected = new Map(header.collections.map((collection) => [collection.name, collection.documents]));
  const seen = new Map<string, number>();
  for await (const record of cursor) {
    const name = String(record.c);
    seen.set(name, (seen.get(name) ?? 0) + 1);
    yield { c: name, d: record.d as Document };
  }
  for (const [name, documents] of expected) {
    if ((seen.get(name) ?? 0) !== documents) throw new Error(`The backup of "${name}" came with ${seen.get(name) ?? 0} documents instead of ${documents}.`);
  }
}

async function documentsHeld(db: Db): Promise<Array<{ name: string; documents: number }>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name).filter((name) => !name.startsWith('system.'));
  const held = await Promise.all(names.map(async (name) => ({ name, documents: await db.collection(name).countDocuments() })));
  return held.filter(({ documents }) => documents > 0).sort((a, b) => a.name.localeCompare(b.name));
}

/** Inserts in batches per collection, in file order. */
async function loadDocuments(db: Db, records: AsyncIterable<BackupRecord>): Promise<void> {
  const batchSize = 1000;
  const pending = new Map<string, Document[]>();
  const flush = async (name: string) => {
    const batch = pending.get(name);
    if (!batch || batch.length === 0) return;
    pending.set(name, []);
    await db.collection(name).insertMany(batch, { ordered: true });
  };
  for await (const record of records) {
    const batch = pending.get(record.c) ?? [];
    batch.push(record.d);
    pending.set(record.c, batch);
    if (batch.length >= batchSize) await flush(record.c);
  }
  for (const name of pending.keys()) await flush(name);
}

/** The index as createIndexes takes it: the stored spec without the server's bookkeeping fields. */
function indexSpecFor(index: BackupCollection['indexes'][number]): Document {
  const { v: _v, ns: _ns, background: _background, ...spec } = index as Document;
  return spec;
}

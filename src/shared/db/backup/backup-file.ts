/**
 * The backup file: gzip of one JSON document per line, in MongoDB's canonical Extended JSON
 * (types kept: ObjectId, Date, Int32 vs Double, Binary …). The first line is the header —
 * format, version, when it was taken, the database, and each collection with its options,
 * indexes and document count; every other line is `{"c": collection, "d": document}`.
 *
 * A file is written under a temporary name and renamed when complete, so a backup interrupted
 * half-way never looks like a backup. Reading checks everything (gzip checksum, each line, the
 * counts in the header) before a restore writes anything.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { EJSON, type Document } from 'bson';
import { z } from 'zod';

export const backupFormat = 'churn-winback-backup';
export const backupVersion = 1;

const collectionSchema = z.object({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()),
  indexes: z.array(z.object({ key: z.record(z.string(), z.unknown()), name: z.string().min(1) }).catchall(z.unknown())),
  documents: z.number().int().min(0),
});

const headerSchema = z.object({
  format: z.literal(backupFormat),
  version: z.number().int(),
  takenAt: z.date(),
  database: z.string().min(1),
  /** True when every collection was copied at the same instant (the embedded database). */
  pointInTime: z.boolean(),
  collections: z.array(collectionSchema),
  documents: z.number().int().min(0),
});

export type BackupHeader = z.infer<typeof headerSchema>;
export type BackupCollection = z.infer<typeof collectionSchema>;

/** One document of one collection. */
export interface BackupRecord {
  c: string;
  d: Document;
}

/** The file is missing, not a backup, damaged or incomplete; the message says which, for people. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
}

/** Writes `header` then every record to `file` (gzip), atomically; returns the file's size in bytes. */
export async function writeBackupFile(file: string, header: BackupHeader, records: AsyncIterable<BackupRecord>): Promise<number> {
  const partial = `${file}.partial`;
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(partial);
  const written = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    gzip.once('error', reject);
  });
  gzip.pipe(out);
  const writeLine = async (value: unknown) => {
    if (!gzip.write(`${EJSON.stringify(value, { relaxed: false })}\n`)) await once(gzip, 'drain');
  };
  try {
    await writeLine(header);
    for await (const record of records) await writeLine(record);
    gzip.end();
    await written;
    const handle = await fs.promises.open(partial, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(partial, file);
  } catch (error) {
    gzip.destroy();
    out.destroy();
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  return (await fs.promises.stat(file)).size;
}

/**
 * Reads the whole file and checks it: a gzip that is intact to its end, a header this version
 * understands, every line a document of a listed collection, and the counts the header states.
 */
export async function verifyBackupFile(file: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  const counts = new Map<string, number>();
  for await (const { line, number } of linesOf(file)) {
    if (!header) {
      header = parseHeader(line);
      for (const collection of header.collections) counts.set(collection.name, 0);
      continue;
    }
    const record = parseRecord(line, number);
    const count = counts.get(record.c);
    if (count === undefined) throw new BackupFileError(`Line ${number} belongs to collection "${record.c}", which the header does not list.`);
    counts.set(record.c, count + 1);
  }
  if (!header) throw new BackupFileError('The file is empty: it holds no backup header.');
  for (const collection of header.collections) {
    const found = counts.get(collection.name) ?? 0;
    if (found !== collection.documents) {
      throw new BackupFileError(`Collection "${collection.name}" has ${found} documents in the file but ${collection.documents} in the header: the file is incomplete or damaged.`);
    }
  }
  return header;
}

/** The documents of a verified file, in file order. */
export async function* backupRecords(file: string): AsyncGenerator<BackupRecord> {
  let first = true;
  for await (const { line, number } of linesOf(file)) {
    if (first) {
      first = false;
      continue;
    }
    yield parseRecord(line, number);
  }
}

// ---------------------------------------------------------------------------------------------

function parseHeader(line: string): BackupHeader {
  let value: unknown;
  try {
    // Relaxed: counts and versions as plain numbers (documents keep their exact BSON types).
    value = EJSON.parse(line, { relaxed: true });
  } catch {
    throw new BackupFileError('The first line is not a backup header: this is not a backup made by `npm run cli -- backup`.');
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== backupFormat) throw new BackupFileError('The first line is not a backup header: this is not a backup made by `npm run cli -- backup`.');
  const version = (value as { version?: unknown }).version;
  if (version !== backupVersion) throw new BackupFileError(`The backup has format version ${String(version)}; this version of the app reads version ${backupVersion}.`);
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new BackupFileError(`The backup header is damaged: ${problem.path.join('.') || 'header'}: ${problem.message}.`);
  }
  return parsed.data;
}

function parseRecord(line: string, number: number): BackupRecord {
  let value: unknown;
  try {
    value = EJSON.parse(line, { relaxed: false });
  } catch {
    throw new BackupFileError(`Line ${number} is not a valid document: the file is damaged.`);
  }
  const record = value as Partial<BackupRecord> | null;
  if (typeof record?.c !== 'string' || typeof record.d !== 'object' || record.d === null || record.d._id === undefined) {
    throw new BackupFileError(`Line ${number} is not a document of a collection: the file is damaged.`);
  }
  return record as BackupRecord;
}

/** The file's lines, decompressed as they are read; gzip errors become readable ones. */
async function* linesOf(file: string): AsyncGenerator<{ line: string; number: number }> {
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  source.once('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;
  try {
    for await (const chunk of gunzip) {
      const lines = (pending + decoder.write(chunk as Buffer)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        number++;
        if (line !== '') yield { line, number };
      }
    }
  } catch (error) {
    throw new BackupFileError(describeReadError(file, error));
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  pending += decoder.end();
  if (pending !== '') yield { line: pending, number: number + 1 };
}

function describeReadError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `There is no file at ${file}.`;
  if (code === 'EISDIR') return `${file} is a folder, not a backup file.`;
  if (code === 'Z_DATA_ERROR') return `${file} is not a gzip file, or it is damaged: ${(error as Error).message}.`;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((error as Error).message)) return `${file} is cut short: the backup is incomplete.`;
  return `${file} could not be read: ${(error as Error).message}`;
}

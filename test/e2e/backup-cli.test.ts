/**
 * `npm run cli -- backup` and `restore`, run as the operator runs them: separate processes on
 * the embedded database's data folder. The "running app" is an embedded server in this test
 * process that holds the source folder (as `npm start` does), with writers busy on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, type Document } from 'bson';
import { MongoClient, type Db } from 'mongodb';
import { backupRecords, verifyBackupFile } from '../../src/shared/db/backup/backup-file';
import { takeBackup } from '../../src/shared/db/backup/backup';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/shared/db/embedded';
import { runCli as runOurCli, type CliRun } from '../helpers/cli';

const dbName = 'backup_test';
const tempDirs: string[] = [];
const running: Array<{ server: EmbeddedMongo; client: MongoClient }> = [];

afterAll(async () => {
  for (const { server, client } of running) {
    await client.close();
    await server.close();
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A DATA_DIR of its own; the embedded database lives in DATA_DIR/db. */
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-backup-'));
  tempDirs.push(dir);
  return dir;
}

/** Opens DATA_DIR/db in this process, as the running app would. */
async function openFolder(dir: string): Promise<{ db: Db; close(): Promise<void> }> {
  const server = await startEmbeddedMongo({ dbPath: path.join(dir, 'db') });
  const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
  const handle = { server, client };
  running.push(handle);
  return {
    db: client.db(dbName),
    async close() {
      running.splice(running.indexOf(handle), 1);
      await client.close();
      await server.close();
    },
  };
}

function runCli(args: string[], dir: string): Promise<CliRun> {
  return runOurCli(args, { env: { NODE_ENV: 'test', DATA_DIR: dir, DB_NAME: dbName } });
}

/** Every document of every collection, types included, in a comparable form. */
async function contentsOf(db: Db): Promise<Record<string, string[]>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name).sort();
  const contents: Record<string, string[]> = {};
  for (const name of names) contents[name] = (await db.collection(name).find({}, { promoteValues: false, promoteLongs: false }).toArray()).map(canonical).sort();
  return contents;
}

async function fileContents(file: string): Promise<Record<string, string[]>> {
  const header = await verifyBackupFile(file);
  const contents: Record<string, string[]> = Object.fromEntries(header.collections.map((collection) => [collection.name, []]));
  for await (const record of backupRecords(file)) contents[record.c].push(canonical(record.d));
  for (const name of Object.keys(contents)) contents[name].sort();
  return contents;
}

const canonical = (doc: Document) => EJSON.stringify(doc, { relaxed: false });

async function indexesOf(db: Db, collection: string): Promise<Document[]> {
  return (await db.collection(collection).listIndexes().toArray()).map(({ key, name, unique, expireAfterSeconds }) => ({ key, name, unique, expireAfterSeconds })).sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

test('when a backup is taken while writers keep inserting, then it holds one moment, and a restore into a fresh folder gives back the same documents and indexes', async () => {
  const source = dataDir();
  const app = await openFolder(source);
  const { db } = app;
  await db.collection('orders').createIndex({ writer: 1, seq: 1 }, { unique: true });
  await db.collection('receipts').createIndex({ writer: 1, seq: 1 }, { unique: true });
  await db.collection('sessions').createIndex({ expires: 1 }, { expireAfterSeconds: 3600 });
  await db.collection('types').insertOne({ _id: new ObjectId(), int: new Int32(7), double: new Double(7), long: Long.fromNumber(2 ** 40), decimal: Decimal128.fromString('19.99'), at: new Date('2026-01-02T03:04:05.678Z'), bytes: new Binary(Buffer.from([0, 1, 2, 255])), nested: { list: [1, 'two', { three: null }] } });

  // Each writer writes an order, then its receipt: a copy taken at one moment has, per writer,
  // as many receipts as orders or one fewer; a copy made collection by collection would not.
  let writing = true;
  const writer = async (w: number) => {
    for (let seq = 0; writing; seq++) {
      await db.collection('orders').insertOne({ writer: w, seq, amount: seq * 1.5 });
      await db.collection('receipts').insertOne({ writer: w, seq, at: new Date() });
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  const file = path.join(dataDir(), 'churn.backup.gz');
  const backup = await runCli(['backup', '--out', file], source);
  writing = false;
  await Promise.all(writers);

  expect(backup.stderr).toBe('');
  expect(backup.code).toBe(0);
  expect(backup.stdout).toMatch(new RegExp(`^Backed up database "${dbName}" as of \\S+: 4 collections, \\d+ documents, to ${file.replace(/[.]/g, '\\.')} \\(`));
  const inFile = await fileContents(file);
  console.log(`backup while writing: ${inFile.orders.length} orders and ${inFile.receipts.length} receipts in the file`);
  const perWriter = (docs: string[], w: number) => docs.map((doc) => EJSON.parse(doc) as Document).filter((doc) => doc.writer === w).map((doc) => Number(doc.seq)).sort((a, b) => a - b);
  for (const w of [0, 1, 2, 3]) {
    const orders = perWriter(inFile.orders, w);
    const receipts = perWriter(inFile.receipts, w);
    expect(orders).toEqual(orders.map((_, i) => i));
    expect(receipts).toEqual(receipts.map((_, i) => i));
    expect(orders.length - receipts.length).toBeGreaterThanOrEqual(0);
    expect(orders.length - receipts.length).toBeLessThanOrEqual(1);
  }
  // Nothing written after the moment is in the file, and nothing in it differs from the source.
  const now = await contentsOf(db);
  expect(inFile.orders.length).toBeLessThan(now.orders.length);
  for (const name of Object.keys(inFile)) expect(now[name]).toEqual(expect.arrayContaining(inFile[name]));

  const target = dataDir();
  const restore = await runCli(['restore', '--in', file], target);
  expect(restore.stderr).toBe('');
  expect([restore.code, restore.stdout]).toEqual([0, expect.stringMatching(/^Restored the backup of "backup_test" taken \S+: 4 collections, \d+ documents\.\n$/)]);

  const restored = await openFolder(target);
  expect(await contentsOf(restored.db)).toEqual(inFile);
  for (const name of ['orders', 'receipts', 'sessions']) expect(await indexesOf(restored.db, name)).toEqual(await indexesOf(db, name));
  await expect(restored.db.collection('orders').insertOne({ writer: 0, seq: 0 })).rejects.toMatchObject({ code: 11000 });
  await restored.close();

  // The restored folder, with no app running on it, is backed up by opening it directly.
  const again = path.join(dataDir(), 'again.backup.gz');
  expect((await runCli(['backup', '--out', again], target)).code).toBe(0);
  expect(await fileContents(again)).toEqual(inFile);
  await app.close();
}, 60_000);

test('when the backup file is cut short, damaged or not a backup, then restore refuses, says why, and changes nothing', async () => {
  const source = dataDir();
  const app = await openFolder(source);
  await app.db.collection('customers').insertMany(Array.from({ length: 3000 }, (_, i) => ({ externalId: `c-${i}`, note: `customer number ${i} `.repeat(5) })));
  const good = path.join(dataDir(), 'good.backup.gz');
  await takeBackup(app.db, good);
  await app.close();
  const bytes = fs.readFileSync(good);

  const target = dataDir();
  const existing = await openFolder(target);
  await existing.db.collection('customers').insertOne({ externalId: 'keep-me' });
  const before = await contentsOf(existing.db);
  await existing.close();

  const damaged = path.dirname(good);
  const variants: Array<[string, Buffer | string, RegExp]> = [
    ['cut-short.gz', bytes.subarray(0, Math.floor(bytes.length / 2)), /is cut short: the backup is incomplete/],
    ['flipped.gz', Buffer.from(bytes.map((byte, i) => (i === Math.floor(bytes.length / 2) ? byte ^ 0xff : byte))), /is not a gzip file, or it is damaged|damaged/],
    ['notes.txt', 'just some text\n', /is not a gzip file, or it is damaged/],
    ['other.gz', zlib.gzipSync('{"hello":"world"}\n'), /not a backup made by `npm run cli -- backup`/],
  ];
  for (const [name, content, reason] of variants) {
    fs.writeFileSync(path.join(damaged, name), content);
    const result = await runCli(['restore', '--in', path.join(damaged, name), '--force'], target);
    expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 1, stderr: expect.stringMatching(reason) });
    expect(result.stderr).toMatch(/Nothing was changed\.\n$/);
  }

  const after = await openFolder(target);
  expect(await contentsOf(after.db)).toEqual(before);
  await after.close();
}, 60_000);

test('when the database holds data, then restore refuses without --force, naming what is there, and replaces it with --force', async () => {
  const source = dataDir();
  const app = await openFolder(source);
  await app.db.collection('surveys').insertOne({ key: 'exit', version: 3 });
  const file = path.join(dataDir(), 'surveys.backup.gz');
  await takeBackup(app.db, file);
  await app.close();

  const target = dataDir();
  const existing = await openFolder(target);
  await existing.db.collection('customers').insertMany([{ externalId: 'a' }, { externalId: 'b' }]);
  await existing.close();

  const refused = await runCli(['restore', '--in', file], target);
  const forced = await runCli(['restore', '--in', file, '--force'], target);

  expect([refused.code, refused.stderr]).toEqual([1, `The database "${dbName}" is not empty (customers 2). A restore replaces everything in it: add --force to do that.\n`]);
  expect([forced.code, forced.stdout]).toEqual([0, expect.stringMatching(/1 collections, 1 documents \(replacing 2 documents\)\.\n$/)]);
  const after = await openFolder(target);
  expect(Object.keys(await contentsOf(after.db))).toEqual(['surveys']);
  await after.close();
}, 60_000);

test('when the app runs on the data folder, then restore refuses; when the backup file exists, then backup refuses without --force', async () => {
  const folder = dataDir();
  const app = await openFolder(folder);
  await app.db.collection('notes').insertOne({ text: 'live' });
  const file = path.join(dataDir(), 'exists.backup.gz');
  fs.writeFileSync(file, 'an older backup');

  const restore = await runCli(['restore', '--in', file, '--force'], folder);
  const backup = await runCli(['backup', '--out', file], folder);

  expect([restore.code, restore.stderr]).toEqual([1, `The app (process ${process.pid}) is running on this data folder. Stop it first: a restore replaces the data under it.\n`]);
  expect([backup.code, backup.stderr]).toEqual([1, `${file} exists already; choose another name or add --force to replace it.\n`]);
  expect(fs.readFileSync(file, 'utf8')).toBe('an older backup');
  expect(await app.db.collection('notes').countDocuments()).toBe(1);
  await app.close();
}, 60_000);

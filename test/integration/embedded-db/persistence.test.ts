/**
 * Durability of the embedded server itself (these always run against it, whatever
 * MONGODB_URI says): restart, torn journal, and kill -9 of the standalone process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../../src/shared/db/embedded';

const root = path.resolve(__dirname, '../../..');
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

test('when the server restarts on the same folder, then documents, updates, deletes and unique indexes are all there', async () => {
  const dbPath = tempDir();
  let server = await startEmbeddedMongo({ dbPath });
  await withClient(server.uri, async (client) => {
    const customers = client.db('crm').collection('customers');
    await customers.createIndex({ email: 1 }, { unique: true });
    await customers.insertMany([{ email: 'a@x.io', n: 1 }, { email: 'b@x.io', n: 2 }, { email: 'c@x.io', n: 3 }]);
    await customers.updateOne({ email: 'a@x.io' }, { $set: { n: 10 } });
    await customers.deleteOne({ email: 'c@x.io' });
  });
  await server.close();

  server = await startEmbeddedMongo({ dbPath });
  await withClient(server.uri, async (client) => {
    const customers = client.db('crm').collection('customers');
    expect(await customers.find({}, { projection: { _id: 0 } }).sort({ email: 1 }).toArray()).toEqual([
      { email: 'a@x.io', n: 10 },
      { email: 'b@x.io', n: 2 },
    ]);
    await expect(customers.insertOne({ email: 'b@x.io' })).rejects.toMatchObject({ code: 11000 });
  });
  await server.close();
});

test('when the journal ends in a torn record, then start-up ignores the tail and keeps everything before it', async () => {
  const dbPath = tempDir();
  const first = await startEmbeddedMongo({ dbPath });
  await withClient(first.uri, (client) => client.db('crm').collection('notes').insertMany([{ i: 1 }, { i: 2 }]));
  // Simulate a crash: leave the journal as it is (no compaction) and tear its end.
  const journalFile = path.join(dbPath, 'journal.log');
  const intact = fs.readFileSync(journalFile);
  await first.close();
  fs.rmSync(path.join(dbPath, 'snapshot.bson'), { force: true });
  fs.writeFileSync(journalFile, Buffer.concat([intact, Buffer.from([0x40, 0, 0, 0, 1, 2, 3])]));

  const second = await startEmbeddedMongo({ dbPath });
  const count = await withClient(second.uri, (client) => client.db('crm').collection('notes').countDocuments());
  await second.close();
  expect(count).toBe(2);
});

test('when another process holds the data folder, then a second server refuses to start', async () => {
  const dbPath = tempDir();
  const server = await startEmbeddedMongo({ dbPath });
  fs.writeFileSync(path.join(dbPath, 'embedded.lock'), String(process.ppid));
  await expect(startEmbeddedMongo({ dbPath })).rejects.toThrow(/in use by process/);
  fs.writeFileSync(path.join(dbPath, 'embedded.lock'), String(process.pid));
  await server.close();
});

test('when the server is asked to bind beyond loopback, then it refuses', async () => {
  await expect(startEmbeddedMongo({ memory: true, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
});

describe('standalone process (npm run db)', () => {
  function startStandalone(dbPath: string): Promise<{ child: ChildProcess; uri: string }> {
    const child = spawn(process.execPath, ['-r', './test/helpers/register-ts.js', 'src/shared/db/embedded/cli.ts', '--port', '0', '--dbpath', dbPath], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolve({ child, uri: `mongodb://127.0.0.1:${match[1]}/` });
      });
      child.once('exit', (code) => reject(new Error(`standalone database exited early (${code}): ${output}`)));
    });
  }

  test('when the process is killed with SIGKILL, then every acknowledged write is there after a restart', async () => {
    const dbPath = tempDir();
    const acknowledged: number[] = [];
    let attempted = 0;
    for (let round = 0; round < 3; round++) {
      const { child, uri } = await startStandalone(dbPath);
      const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 500, retryWrites: false });
      const events = client.db('crm').collection('events');
      if (round === 0) await events.createIndex({ seq: 1 }, { unique: true });
      // Eight writers stream single inserts; the kill lands at a random moment among them.
      let next = round * 1_000_000;
      const writer = async () => {
        for (;;) {
          const seq = next++;
          attempted++;
          try {
            await events.insertOne({ seq, payload: 'x'.repeat(200) });
            acknowledged.push(seq);
          } catch {
            return;
          }
        }
      };
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const writers = Array.from({ length: 8 }, writer);
      setTimeout(() => child.kill('SIGKILL'), 150 + Math.random() * 250);
      await Promise.all(writers);
      await exited;
      await client.close(true).catch(() => undefined);
    }
    const { child, uri } = await startStandalone(dbPath);
    const stored = await withClient(uri, (client) => client.db('crm').collection('events').distinct('seq'));
    child.kill('SIGTERM');
    const storedSet = new Set(stored);
    const lost = acknowledged.filter((seq) => !storedSet.has(seq));
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    // Nothing appears that was never attempted.
    expect(stored.length).toBeLessThanOrEqual(attempted);
  }, 60_000);
});

/**
 * npm run bench:db — throughput of the embedded database through the real driver and mongoose,
 * on a journaled data folder (the default set-up), with the raw `ping` round trip as the ceiling.
 * The figure that matters: indexed findOne({email}) / findById ≥ 0.5, i.e. an indexed query
 * is answered through the index, not by scanning the 100k documents.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedMongo } from '../../src/shared/db/embedded';

const COLLECTION_SIZE = Number(process.env.BENCH_DOCS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5_000);

interface Customer {
  email: string;
  name: string;
  tier: string;
  revenue: number;
  churnedAt: Date;
}

async function main(): Promise<void> {
  const dbPath = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-db-'));
  const server = await startEmbeddedMongo({ dbPath });
  const connection = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
  const Customers = connection.model<Customer>(
    'Customer',
    new Schema<Customer>({ email: { type: String, unique: true }, name: String, tier: String, revenue: Number, churnedAt: Date }),
  );
  await Customers.init();

  const results: Array<[string, number, string]> = [];
  const rate = async (label: string, count: number, run: (i: number) => Promise<unknown>, note = '') => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await run(i);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = count / seconds;
    results.push([label, perSecond, note]);
    return perSecond;
  };

  const db = connection.db!;
  const ping = await rate('driver ping round trips (ceiling)', SAMPLES, () => db.command({ ping: 1 }));

  const batch = 1_000;
  const insertManyRate =
    (await rate(`insertMany, batches of ${batch}`, COLLECTION_SIZE / batch, (b) =>
      Customers.insertMany(
        Array.from({ length: batch }, (_, i) => customer(b * batch + i)),
        { lean: true },
      ),
    )) * batch;
  results[results.length - 1][1] = insertManyRate;
  results[results.length - 1][2] = 'documents/s';

  await rate('Model.create, one at a time', SAMPLES, (i) => Customers.create(customer(COLLECTION_SIZE + i)), 'documents/s');

  const ids = (await Customers.find({}, { _id: 1 }).limit(SAMPLES).lean()).map((doc) => doc._id);
  const pick = (i: number) => (i * 7919) % COLLECTION_SIZE;
  const byId = await rate(`findById on ${COLLECTION_SIZE.toLocaleString('en')} documents`, SAMPLES, (i) =>
    Customers.findById(ids[i % ids.length]).lean(),
  );
  const byEmail = await rate(`indexed findOne({email}) on ${COLLECTION_SIZE.toLocaleString('en')} documents`, SAMPLES, (i) =>
    Customers.findOne({ email: `customer${pick(i)}@example.com` }).lean(),
  );
  const scans = Math.max(20, Math.round(SAMPLES / 100));
  const scan = await rate(`unindexed findOne({name}) (full scan, for contrast)`, scans, (i) =>
    Customers.findOne({ name: `Customer ${pick(i)}` }).lean(),
  );

  await connection.close();
  await server.close();
  fs.rmSync(dbPath, { recursive: true, force: true });

  const width = Math.max(...results.map(([label]) => label.length));
  console.log(`embedded database, journaled data folder, node ${process.version}\n`);
  for (const [label, perSecond, note] of results) {
    console.log(`${label.padEnd(width)}  ${Math.round(perSecond).toLocaleString('en').padStart(9)} ${note || 'ops/s'}`);
  }
  console.log('');
  console.log(`findById / ping                    ${(byId / ping).toFixed(2)}`);
  console.log(`indexed findOne / findById         ${(byEmail / byId).toFixed(2)}   (target >= 0.5: ${byEmail / byId >= 0.5 ? 'met' : 'NOT met'})`);
  console.log(`full scan / indexed findOne        ${(scan / byEmail).toFixed(4)}   (what an unindexed query would cost)`);
}

function customer(i: number): Customer {
  return {
    email: `customer${i}@example.com`,
    name: `Customer ${i}`,
    tier: ['VIP', 'A', 'B', 'C', 'D'][i % 5],
    revenue: (i % 1000) * 1.5,
    churnedAt: new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

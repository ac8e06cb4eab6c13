/**
 * npm run bench:import — how fast the customer CSV import runs, and that its memory stays flat
 * as the file grows.
 *
 * Files of 25k and 100k rows are made by resampling the IBM Telco file (new ids, jittered
 * charges, tenure and CLTV) into a temporary folder. The database is the embedded one in a
 * process of its own (or MONGODB_URI), so the importer's memory is measured alone; each import
 * runs in a fresh child process into a fresh database, sampling its RSS and heap.
 *
 * Baselines measured in the same run, on the same 100k file: a bare csv-parse of the file (the
 * parsing ceiling) and raw driver insertMany of the same number of documents (the database's
 * write ceiling). The figures that matter: importer rows/s as a share of those, and the peak
 * RSS of the 100k import against the 25k one (flat = streaming and batching work).
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { stringify } from 'csv-stringify';
import mongoose from 'mongoose';
import { configureMongoose } from '../../src/shared/db/connection';
import { importCustomers } from '../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../src/modules/customers/import/mappings';
import { retierCustomers } from '../../src/modules/customers/value/value.service';
import { telcoFile, telcoFileExists } from '../helpers/telco-file';

const SIZES = (process.env.BENCH_IMPORT_SIZES ?? "25000,100000").split(",").map(Number);

interface ImportMeasure {
  rows: number;
  importSeconds: number;
  recomputeSeconds: number;
  startRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** Heap still reachable after a full GC, before and after the import (without the re-tiering). */
  liveHeapBeforeMb: number;
  liveHeapAfterMb: number;
  created: number;
  rejected: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') return measureInChild(process.argv[3], process.argv[4], process.argv[5]);
  if (!telcoFileExists) {
    console.error(`bench:import needs the Telco file at ${telcoFile}`);
    process.exitCode = 1;
    return;
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const database = await startDatabase();
  try {
    const files = new Map<number, string>();
    for (const size of SIZES) files.set(size, await generateFile(path.join(dir, `customers-${size}.csv`), size));
    const largest = files.get(SIZES[SIZES.length - 1]) as string;
    const rows = SIZES[SIZES.length - 1];

    const parseRate = await bareParseRate(largest);
    const insertRate = await rawInsertRate(database.uri, largest);
    const measures = new Map<number, ImportMeasure>();
    for (const size of SIZES) measures.set(size, await measureImport(files.get(size) as string, database.uri, `bench_import_${size}`));

    report({ rows, fileMb: statSync(largest).size / 1e6, parseRate, insertRate, measures });
  } finally {
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The test files

/** Writes `size` rows resampled from the Telco file: new ids, charges ±15%, tenure ±3, CLTV ±10%. */
async function generateFile(file: string, size: number): Promise<string> {
  const source = parseSync(readFileSync(telcoFile), { columns: true, bom: true }) as Array<Record<string, string>>;
  const random = seededRandom(size);
  const output = stringify({ header: true, columns: Object.keys(source[0]) });
  const written = output.pipe(createWriteStream(file));
  for (let i = 0; i < size; i++) {
    const row = { ...source[Math.floor(random() * source.length)] };
    const charge = 0.85 + random() * 0.3;
    row['Customer ID'] = `R${String(i).padStart(7, '0')}`;
    row['Monthly Charge'] = (Number(row['Monthly Charge']) * charge).toFixed(2);
    row['Total Revenue'] = (Number(row['Total Revenue']) * charge).toFixed(2);
    row['Tenure in Months'] = String(Math.max(1, Number(row['Tenure in Months']) + Math.floor(random() * 7) - 3));
    row.CLTV = String(Math.round(Number(row.CLTV) * (0.9 + random() * 0.2)));
    if (!output.write(row)) await once(output, 'drain');
  }
  output.end();
  await once(written, 'finish');
  return file;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------------------------
// Baselines

/** Rows per second csv-parse alone reads from the file: the importer cannot beat this. */
async function bareParseRate(file: string): Promise<number> {
  const started = process.hrtime.bigint();
  let rows = 0;
  for await (const _record of createReadStream(file).pipe(parse({ columns: true, bom: true }))) rows++;
  return rows / seconds(started);
}

/** Documents per second the driver's insertMany stores, batches of 1000, same rows, no checks. */
async function rawInsertRate(uri: string, file: string): Promise<number> {
  const connection = await mongoose.createConnection(uri, { dbName: 'bench_raw_insert' }).asPromise();
  const collection = connection.collection('customers');
  const records = createReadStream(file).pipe(parse({ columns: true, bom: true }));
  const started = process.hrtime.bigint();
  let rows = 0;
  let batch: Array<Record<string, unknown>> = [];
  for await (const record of records as AsyncIterable<Record<string, string>>) {
    batch.push({ source: 'raw', externalId: record['Customer ID'], status: record['Customer Status'], revenue: { monthly: Number(record['Monthly Charge']) } });
    if (batch.length === 1000) {
      await collection.insertMany(batch);
      rows += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) await collection.insertMany(batch);
  rows += batch.length;
  const rate = rows / seconds(started);
  await connection.dropDatabase();
  await connection.close();
  return rate;
}

// ---------------------------------------------------------------------------------------------
// The importer, one child process per file

function measureImport(file: string, uri: string, dbName: string): Promise<ImportMeasure> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', __filename, '--measure', file, uri, dbName], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as ImportMeasure) : reject(new Error(`import of ${file} exited with ${code}`))));
  });
}

async function measureInChild(file: string, uri: string, dbName: string): Promise<void> {
  configureMongoose();
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  // What stays reachable (after a full GC) shows retention; peaks also count uncollected garbage.
  const liveHeap = () => (global.gc?.(), process.memoryUsage().heapUsed / 2 ** 20);
  const liveHeapBeforeMb = liveHeap();
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 20);

  const started = process.hrtime.bigint();
  // Rows in first, tiers re-cut after (what importCustomers does by default), timed apart.
  const report = await importCustomers(connection, createReadStream(file), { mapping: mappingPresets.telco, source: 'bench', recomputeTiers: false });
  const importSeconds = seconds(started);
  const liveHeapAfterMb = liveHeap();
  const recomputeStarted = process.hrtime.bigint();
  await retierCustomers(connection);
  const recomputeSeconds = seconds(recomputeStarted);
  clearInterval(sampler);

  await connection.dropDatabase();
  await connection.close();
  const measure: ImportMeasure = {
    rows: report.rows,
    importSeconds,
    recomputeSeconds,
    startRssMb: startRss / 2 ** 20,
    peakRssMb: peakRss / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
    liveHeapBeforeMb,
    liveHeapAfterMb,
    created: report.created,
    rejected: report.rejected,
  };
  process.stdout.write(JSON.stringify(measure));
}

// ---------------------------------------------------------------------------------------------
// The database and the report

async function startDatabase(): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  const cli = path.join(__dirname, '../../src/shared/db/embedded/cli.js');
  const child = spawn(process.execPath, [cli, '--memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = /listening on [^:]+:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the embedded database exited with ${code}`)));
  });
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function report(figures: { rows: number; fileMb: number; parseRate: number; insertRate: number; measures: Map<number, ImportMeasure> }): void {
  const { rows, parseRate, insertRate, measures } = figures;
  const largest = measures.get(rows) as ImportMeasure;
  const importRate = largest.rows / largest.importSeconds;
  const number = (value: number) => Math.round(value).toLocaleString('en');
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  console.log(`customer import, ${number(rows)} resampled Telco rows (${figures.fileMb.toFixed(1)} MB), node ${process.version}, ${os.cpus().length} cores`);
  console.log(`database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded, in its own process, in memory'}\n`);
  console.log(`baseline  csv-parse alone                ${number(parseRate).padStart(9)} rows/s`);
  console.log(`baseline  driver insertMany, no checks   ${number(insertRate).padStart(9)} docs/s`);
  console.log(`importer  parse, check, upsert in 1000s  ${number(importRate).padStart(9)} rows/s   = ${(importRate / parseRate).toFixed(3)} × csv-parse, ${(importRate / insertRate).toFixed(2)} × insertMany`);
  console.log(`          then re-cut quantile tiers     ${number(largest.rows / largest.recomputeSeconds).padStart(9)} customers/s\n`);
  console.log('memory of the importing process (RSS sampled every 20 ms):');
  for (const [size, measure] of measures) {
    console.log(
      `  ${number(size).padStart(7)} rows: start ${mb(measure.startRssMb)}, peak ${mb(measure.peakRssMb)} (+${mb(measure.peakRssMb - measure.startRssMb)}), peak heap ${mb(measure.peakHeapMb)}, live heap after GC ${mb(measure.liveHeapBeforeMb)} → ${mb(measure.liveHeapAfterMb)}, ${number(measure.rows / measure.importSeconds)} rows/s`,
    );
  }
  const [small, large] = [measures.get(SIZES[0]) as ImportMeasure, largest];
  const growth = large.peakRssMb - large.startRssMb - (small.peakRssMb - small.startRssMb);
  console.log(`  ${SIZES[SIZES.length - 1] / SIZES[0]}× the rows cost ${growth >= 0 ? '+' : ''}${mb(growth)} more peak RSS (${(large.peakRssMb / small.peakRssMb).toFixed(2)}× the peak)`);
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

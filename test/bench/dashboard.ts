/**
 * npm run bench:dashboard — the dashboard's figures over 100k customers with a year of churn,
 * returns and signups (embedded database, journaled data folder), read from the day's snapshot
 * next to computing the same numbers by scanning the customers, in the same run. Both answers
 * are checked to be equal. BENCH_CUSTOMERS changes the size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { builtInCauseCodes } from '../../src/modules/customers/causes';
import { customerModel } from '../../src/modules/customers/customer.model';
import { valueTiers } from '../../src/modules/customers/vocabulary';
import { dashboardQuerySchema } from '../../src/modules/dashboard/dashboard.schemas';
import { dashboardFigures, type DashboardFigures } from '../../src/modules/dashboard/dashboard.service';
import { snapshotCellModel, snapshotRunModel } from '../../src/modules/dashboard/snapshot.model';
import { takeSnapshot } from '../../src/modules/dashboard/snapshot.service';
import { configureMongoose } from '../../src/shared/db/connection';
import { startEmbeddedMongo } from '../../src/shared/db/embedded';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const REPEATS = 5;
const day = 86_400_000;

async function main(): Promise<void> {
  configureMongoose();
  const dbPath = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dashboard-'));
  const server = await startEmbeddedMongo({ dbPath });
  const connection = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
  await customerModel(connection).init();
  await snapshotRunModel(connection).init();
  await snapshotCellModel(connection).init();

  const now = new Date();
  process.stdout.write(`seeding ${CUSTOMERS.toLocaleString('en')} customers with a year of events…\n`);
  for (let start = 0; start < CUSTOMERS; start += 5000) {
    await connection.db!.collection('customers').insertMany(
      Array.from({ length: Math.min(5000, CUSTOMERS - start) }, (_, k) => customer(start + k, now)),
      { ordered: false },
    );
  }
  const queries = [{}, { range: '6', tier: 'B' }, { range: '3', plan: 'plan-2', locale: 'zh-CN' }].map((query) => dashboardQuerySchema.parse(query));

  const scanned = await timed(() => Promise.all(queries.map((query) => dashboardFigures(connection, query, now))));
  const snapshot = await timed(() => takeSnapshot(connection, now));
  const read = await timed(() => Promise.all(queries.map((query) => dashboardFigures(connection, query, now))));
  if (read.result.some((figures) => figures.source !== 'snapshot')) throw new Error('the dashboard did not read the snapshot');
  read.result.forEach((figures, index) => assertSameFigures(figures, scanned.result[index]));

  const scanTimes: number[] = [];
  const snapshotTimes: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await snapshotRunModel(connection).deleteMany({}).exec();
    scanTimes.push((await timed(() => dashboardFigures(connection, queries[0], now))).ms);
    await takeSnapshot(connection, now);
    snapshotTimes.push((await timed(() => dashboardFigures(connection, queries[0], now))).ms);
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows: Array<[string, string]> = [
    ['customers', CUSTOMERS.toLocaleString('en')],
    ['snapshot: time to take it', `${snapshot.ms.toFixed(0)} ms (${snapshot.result.cells.toLocaleString('en')} cells)`],
    [`dashboard by scanning (median of ${REPEATS})`, `${median(scanTimes).toFixed(0)} ms`],
    [`dashboard from the snapshot (median of ${REPEATS})`, `${median(snapshotTimes).toFixed(0)} ms`],
    ['speed-up', `${(median(scanTimes) / median(snapshotTimes)).toFixed(1)}×`],
    ['same figures, 3 queries', 'yes'],
  ];
  for (const [label, value] of rows) process.stdout.write(`${label.padEnd(48)} ${value}\n`);

  await connection.close();
  await server.close();
  fs.rmSync(dbPath, { recursive: true, force: true });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function assertSameFigures(fromSnapshot: DashboardFigures, scanned: DashboardFigures): void {
  const churnOf = (figures: DashboardFigures) => JSON.stringify({ months: figures.months, causes: figures.causes, causesByTier: figures.causesByTier });
  if (churnOf(fromSnapshot) !== churnOf(scanned)) throw new Error('the snapshot and the scan disagree');
}

/** A customer signed up over the last two years; a third lost in the last year, a tenth of those back. */
function customer(i: number, now: Date) {
  const signupDate = new Date(now.getTime() - (30 + (i % 700)) * day);
  const lost = i % 3 === 0;
  const churnedAt = new Date(now.getTime() - (1 + ((i * 7) % 360)) * day);
  const back = lost && i % 30 === 0;
  return {
    source: 'bench',
    externalId: `c${i}`,
    locale: i % 4 === 0 ? 'zh-CN' : 'en',
    plan: `plan-${i % 5}`,
    signupDate,
    status: lost ? (back ? 'won_back' : 'churned') : 'active',
    churns: lost ? [{ at: churnedAt, ...(back ? { wonBackAt: new Date(churnedAt.getTime() + 20 * day), wonBackMonthlyRevenue: 30 } : {}) }] : [],
    cause: lost ? { code: builtInCauseCodes[i % builtInCauseCodes.length], source: 'import', setAt: now } : undefined,
    revenue: { monthly: 20 + (i % 80) },
    value: { clv: 100, tier: valueTiers[i % valueTiers.length], rfm: { recencyDays: null, frequencyChange: null, monetaryChange: null, level: 'none' }, computedAt: now },
    contact: { emailConsent: true, doNotContact: false },
    engagement: { campaignHoldouts: [] },
    tags: [],
    attributes: {},
    searchKeys: [],
    createdAt: now,
    updatedAt: now,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

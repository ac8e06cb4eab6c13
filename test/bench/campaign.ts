/**
 * npm run bench:campaign — a win-back campaign to 100k customers on the embedded database
 * (journaled data folder), each figure next to a baseline measured in the same run:
 *   - enqueue: deliveries written per second by the launch (stream the audience, decide each
 *     member, write members and deliveries) vs raw insertMany of as many documents (target ≥ 0.5);
 *   - send: campaign messages per second to a loopback SMTP sink vs raw nodemailer sending the
 *     same composed message to the same sink with the same number of connections (target ≥ 0.5),
 *     Nagle's algorithm off on both sides (nodemailer as it comes waits ~40 ms per message for a
 *     delayed ACK: that baseline is printed too, but a ratio against it would flatter us);
 *   - peak RSS growth of the launching process during the launch (target < 100 MB): the
 *     database runs as its own process (`npm run db`), so its data does not count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { changeCampaignState, createCampaign } from '../../src/modules/campaigns/campaigns.service';
import { campaignModel, type Campaign } from '../../src/modules/campaigns/campaign.model';
import { deliveryModel, type CampaignDelivery } from '../../src/modules/campaigns/delivery.model';
import { memberModel } from '../../src/modules/campaigns/member.model';
import { composeMessage } from '../../src/modules/campaigns/message';
import type { CampaignMailDependencies } from '../../src/modules/campaigns/send.service';
import { runCampaigns } from '../../src/modules/campaigns/runner.service';
import { customerModel, type Customer } from '../../src/modules/customers/customer.model';
import { configureMongoose } from '../../src/shared/db/connection';
import { createLogger } from '../../src/shared/logging';
import { createEmailRenderer, createMailer, type OutgoingMail } from '../../src/shared/mail';
import { noDelaySocket } from '../../src/shared/mail/mailer';
import { cpuMsOf, startDatabaseProcess } from './processes';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const SENDS = Number(process.env.BENCH_SENDS ?? 2_000);
const CONNECTIONS = 4;

async function main(): Promise<void> {
  configureMongoose();
  const dbPath = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-campaign-'));
  // BENCH_DB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the database process.
  const database = await startDatabaseProcess(dbPath, (process.env.BENCH_DB_NODE_ARGS ?? '').split(' ').filter(Boolean));
  const databaseCpuSeconds = () => cpuMsOf(database.pid) / 1000;
  const connection = await mongoose.createConnection(`${database.uri}bench`).asPromise();
  const sink = await startDrainingSink();
  await customerModel(connection).init();
  await deliveryModel(connection).init();

  process.stdout.write(`seeding ${CUSTOMERS.toLocaleString('en')} customers…\n`);
  for (let start = 0; start < CUSTOMERS; start += 5000) {
    await connection.db!.collection('customers').insertMany(
      Array.from({ length: Math.min(5000, CUSTOMERS - start) }, (_, k) => customer(start + k)),
      { ordered: false },
    );
  }

  // Baseline 1: raw insertMany of as many delivery-shaped documents.
  const scratch = connection.db!.collection('bench_raw_deliveries');
  await scratch.createIndex({ campaignId: 1, step: 1, customerId: 1 }, { unique: true });
  const rawCampaign = new Types.ObjectId();
  const rawStarted = performance.now();
  const rawCpu = databaseCpuSeconds();
  for (let start = 0; start < CUSTOMERS; start += 1000) {
    await scratch.insertMany(Array.from({ length: Math.min(1000, CUSTOMERS - start) }, () => ({ campaignId: rawCampaign, step: 0, customerId: new Types.ObjectId(), state: 'pending', dueAt: new Date(), timezone: 'UTC', tier: 'B', cause: 'price', attempts: 0 })));
  }
  const rawInsertRate = CUSTOMERS / ((performance.now() - rawStarted) / 1000);
  const rawDbCpu = databaseCpuSeconds() - rawCpu;
  await scratch.drop();

  // The launch.
  const mailer = createMailer({ connection, from: 'offers@example.com', smtpUrl: sink.url });
  const deps = { connection, mailer, renderer: createEmailRenderer({ cache: true }), baseUrl: 'https://crm.example.com', logger: createLogger({ level: 'silent' }) };
  const campaign = await createCampaign(
    connection,
    {
      name: 'Bench',
      audience: { match: 'all', groups: [{ match: 'all', conditions: [{ field: 'status', op: 'in', value: ['churned'] }] }] },
      offers: [{ tiers: ['*'], causes: ['*'], action: 'discount', discountPercent: 20, variants: [{ key: 'A', weight: 1, subject: { en: 'Come back, {{name}}', 'zh-CN': '' }, body: { en: '{{causeText}} Here is {{offer}}.', 'zh-CN': '' } }] }],
      holdoutPercent: 10,
      steps: [{ day: 0 }],
      schedule: { startAt: new Date(Date.now() - 60_000), windowStartHour: 0, windowEndHour: 24, weekdaysOnly: false, throttlePerMinute: 100_000, frequencyCapDays: 0, defaultTimezone: 'UTC' },
      landingUrl: 'https://shop.example.com/back',
    },
    'bench',
  );
  await changeCampaignState(connection, String(campaign._id), 'schedule');
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const launchStarted = performance.now();
  const launchClock = process.hrtime.bigint();
  const launchCpu = databaseCpuSeconds();
  await runCampaigns(deps, {});
  const launchSeconds = (performance.now() - launchStarted) / 1000;
  const launchDbCpu = databaseCpuSeconds() - launchCpu;
  // Monotonic microseconds, the clock of --cpu-prof: lets a profile of either process be cut to the launch.
  if (process.env.BENCH_DB_NODE_ARGS) process.stdout.write(`launch window (monotonic µs): ${launchClock / 1000n} ${process.hrtime.bigint() / 1000n}\n`);
  clearInterval(sampler);
  const enqueued = await deliveryModel(connection).countDocuments({ campaignId: campaign._id });
  const enqueueRate = enqueued / launchSeconds;

  // Sending (a slice: the whole 100k at SMTP speed would take many minutes).
  let sent = 0;
  const sendStarted = performance.now();
  const sendClock = process.hrtime.bigint();
  const sendCpu = process.cpuUsage();
  const sendDbCpu = databaseCpuSeconds();
  while (sent < SENDS) {
    const report = await runCampaigns(deps, { batchSize: 500, concurrency: CONNECTIONS });
    if (report.sent === 0) break;
    sent += report.sent;
  }
  const sendRate = sent / ((performance.now() - sendStarted) / 1000);
  const sendAppCpuMs = cpuMs(process.cpuUsage(sendCpu));
  const sendDbCpuMs = (databaseCpuSeconds() - sendDbCpu) * 1000;
  if (process.env.BENCH_DB_NODE_ARGS) process.stdout.write(`send window (monotonic µs): ${sendClock / 1000n} ${process.hrtime.bigint() / 1000n}\n`);

  // Baseline 2: raw nodemailer, same sink, same number of connections — twice: as nodemailer
  // comes, and with Nagle's algorithm off as our mailer has it (out of the box each message's
  // last write waits ~40 ms for a delayed ACK, so the plain baseline flatters the ratio). The
  // ratio is taken against the faster of the two.
  // Both send the very message the campaign composed for one of its customers (HTML layout,
  // text part, unsubscribe headers), so only the campaign's own work differs.
  const sample = await sampleMessage(deps, campaign._id);
  const rawSendRate = await rawNodemailerRate(sink.port, sent, false, sample);
  const rawSendCpu = process.cpuUsage();
  const rawNoDelaySendRate = await rawNodemailerRate(sink.port, sent, true, sample);
  const rawAppCpuMs = cpuMs(process.cpuUsage(rawSendCpu));
  const sendBaseline = Math.max(rawSendRate, rawNoDelaySendRate);
  // Not a target, a floor: the documents a launch must store (a member per customer, a delivery
  // per treated customer) written raw into collections with the real models' indexes, without
  // reading the audience or deciding anything. The launch can be no faster than this.
  // Measured last, so that its memory does not count in the launch's RSS growth.
  const floor = await storageFloor(connection, CUSTOMERS, Math.round(CUSTOMERS * 0.9));

  mailer.close();
  await sink.close();
  await connection.close();
  await database.stop();
  fs.rmSync(dbPath, { recursive: true, force: true });

  const row = (label: string, value: string) => process.stdout.write(`${label.padEnd(52)} ${value}\n`);
  process.stdout.write(`\ncampaign to ${CUSTOMERS.toLocaleString('en')} customers, embedded database (journaled), node ${process.version}\n\n`);
  row('raw insertMany (baseline)', `${Math.round(rawInsertRate).toLocaleString('en')} documents/s`);
  row(`launch: ${enqueued.toLocaleString('en')} deliveries enqueued in ${launchSeconds.toFixed(1)} s`, `${Math.round(enqueueRate).toLocaleString('en')} deliveries/s`);
  row('  enqueue / raw insertMany', `${(enqueueRate / rawInsertRate).toFixed(2)}   (target >= 0.5)`);
  row(`  floor: members + deliveries raw, real indexes`, `${floor.seconds.toFixed(1)} s = ${Math.round(floor.deliveries / floor.seconds).toLocaleString('en')} deliveries/s (${(floor.deliveries / floor.seconds / rawInsertRate).toFixed(2)} of raw)`);
  row('  launch / floor', `${(floor.seconds / launchSeconds).toFixed(2)}   (the launch's own overhead; 1 = none)`);
  // CPU seconds of the database process per phase: steadier than wall time on a shared machine.
  row('  database CPU: raw insertMany / launch', `${rawDbCpu.toFixed(2)} s / ${launchDbCpu.toFixed(2)} s   (per document: ${((enqueued / launchDbCpu) / (CUSTOMERS / rawDbCpu)).toFixed(2)})`);
  row('raw nodemailer to the sink, as it comes', `${Math.round(rawSendRate)} messages/s`);
  row('raw nodemailer to the sink, Nagle off (baseline)', `${Math.round(rawNoDelaySendRate)} messages/s`);
  row(`campaign sends (${sent} messages)`, `${Math.round(sendRate)} messages/s`);
  row('  CPU per message: raw / campaign (app + sink, db)', `${(rawAppCpuMs / sent).toFixed(2)} ms / ${(sendAppCpuMs / sent).toFixed(2)} ms + ${(sendDbCpuMs / sent).toFixed(2)} ms`);
  row('  send / faster raw nodemailer', `${(sendRate / sendBaseline).toFixed(2)}   (target >= 0.5)`);
  row('peak RSS growth during the launch', `${((rssPeak - rssBefore) / 1024 / 1024).toFixed(0)} MB   (target < 100 MB)`);
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function customer(i: number) {
  return {
    source: 'bench',
    externalId: `b${i}`,
    name: `Customer ${i}`,
    email: `customer${i}@example.com`,
    locale: i % 3 === 0 ? 'zh-CN' : 'en',
    status: 'churned',
    churnedAt: new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000),
    contact: { emailConsent: true, doNotContact: false },
    cause: { code: ['price', 'competitor', 'service', 'product'][i % 4], source: 'import', setAt: new Date() },
    value: { clv: i % 5000, tier: ['VIP', 'A', 'B', 'C', 'D'][i % 5], rfm: { level: 'none' }, computedAt: new Date() },
    revenue: { monthly: 20 + (i % 80) },
    engagement: { campaignHoldouts: [] },
    tags: [],
    searchKeys: [],
    churns: [],
    attributes: {},
  };
}

/** Seconds to insertMany `members` member-shaped and `deliveries` delivery-shaped documents into scratch collections indexed like the models. */
async function storageFloor(connection: mongoose.Connection, members: number, deliveries: number): Promise<{ seconds: number; deliveries: number }> {
  const scratchOf = async (name: string, indexes: Array<[Record<string, unknown>, Record<string, unknown>]>) => {
    const collection = connection.db!.collection(name);
    for (const [key, options] of indexes) await collection.createIndex(key as Record<string, 1>, options);
    return collection;
  };
  const memberScratch = await scratchOf('bench_floor_members', memberModel(connection).schema.indexes() as Array<[Record<string, unknown>, Record<string, unknown>]>);
  const deliveryScratch = await scratchOf('bench_floor_deliveries', deliveryModel(connection).schema.indexes() as Array<[Record<string, unknown>, Record<string, unknown>]>);
  const campaignId = new Types.ObjectId();
  const started = performance.now();
  for (let start = 0; start < members; start += 1000) {
    const customerIds = Array.from({ length: Math.min(1000, members - start) }, () => new Types.ObjectId());
    const createdAt = new Date();
    await memberScratch.insertMany(customerIds.map((customerId) => ({ campaignId, customerId, tier: 'B', cause: 'price', rule: 0, action: 'discount', variant: 'A', holdout: false, createdAt })), { ordered: false });
    const treated = customerIds.slice(0, Math.round((customerIds.length * deliveries) / members));
    await deliveryScratch.insertMany(treated.map((customerId) => ({ campaignId, step: 0, customerId, state: 'pending', dueAt: createdAt, timezone: 'UTC', tier: 'B', cause: 'price', variant: 'A', attempts: 0 })), { ordered: false });
  }
  const seconds = (performance.now() - started) / 1000;
  await memberScratch.drop();
  await deliveryScratch.drop();
  return { seconds, deliveries };
}

/** The message the campaign sends to one of its customers, composed as the sender composes it. */
async function sampleMessage(deps: CampaignMailDependencies, campaignId: Types.ObjectId): Promise<OutgoingMail> {
  const campaign = (await campaignModel(deps.connection).findById(campaignId).lean<Campaign>().exec())!;
  const delivery = (await deliveryModel(deps.connection).findOne({ campaignId, state: 'sent' }).lean<CampaignDelivery>().exec())!;
  const customer = (await customerModel(deps.connection).findById(delivery.customerId).lean<Customer>().exec())!;
  return composeMessage(deps, campaign, delivery, customer);
}

/** Messages per second from a pooled nodemailer transport with CONNECTIONS connections, as many as the campaign sent. */
async function rawNodemailerRate(port: number, messages: number, noDelay: boolean, sample: OutgoingMail): Promise<number> {
  const raw = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    pool: true,
    maxConnections: CONNECTIONS,
    // As our mailer connects (src/shared/mail/mailer.ts), without observing the wire.
    ...(noDelay ? { getSocket: noDelaySocket } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (sent < messages) {
        sent++;
        await raw.sendMail({ from: 'offers@example.com', to: `raw${sent}@example.com`, subject: sample.subject, text: sample.text, html: sample.html, headers: sample.headers });
      }
    }),
  );
  const rate = sent / ((performance.now() - started) / 1000);
  raw.close();
  return rate;
}

/** An SMTP server that accepts and discards: the measure is the sender, not the sink. */
async function startDrainingSink(): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as import('node:net').AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

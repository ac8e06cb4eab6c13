/**
 * npm run bench:load — the built server (dist/src/server.js, production settings, web and jobs in
 * one process as `npm start` runs it) under load on loopback, for a fixed time per workload:
 *
 *   (a) the public survey submission, POST /s/:token — every request a new, valid answer set
 *       (invitations with working link tokens are created up front, in bulk);
 *   (b) the events API, POST /api/v1/churn-events with an API key — every request a new event
 *       about a new customer (unique ids per request), which also invites them to the survey;
 *   and, as the baseline in the same run, a bare Express JSON endpoint in a process of its own.
 *
 * It prints requests/s, p50/p99 latency, 2xx, non-2xx and error counts, each workload's ratio
 * to the baseline, the server's and database's CPU time per request, and the server's memory
 * after full garbage collections at the start, after a warm-up, and at the end; target: RSS
 * growth after the warm-up under 10%. Measuring starts once the recurring jobs' start-up runs
 * (which read every customer) have finished.
 *
 * The embedded database runs as its own process (`npm run db`), so the server's memory is the
 * app's alone: the database's data grows with every stored answer, which is no leak. autocannon
 * runs in this process, which does nothing else while it measures.
 *
 * Settings: BENCH_SECONDS (15 per workload), BENCH_WARMUP_SECONDS (10 per workload),
 * BENCH_CONNECTIONS (10), BENCH_INVITATIONS (30000), BENCH_PROCESS_ROLE (all; web for HTTP only,
 * as behind a load balancer with separate workers), and BENCH_PROFILE_DIR=<folder> for the
 * server's CPU profile of the whole run (a .cpuprofile written when it stops; open it in Chrome
 * DevTools or speedscope).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import mongoose, { trusted, type Connection } from 'mongoose';
import { ensureIndexes } from '../../src/models';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import { timelineEventModel } from '../../src/modules/customers/customer-event.model';
import { customerModel } from '../../src/modules/customers/customer.model';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { responseModel } from '../../src/modules/surveys/response.model';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { configureMongoose } from '../../src/shared/db/connection';
import { projectRoot } from '../../src/shared/paths';
import { loadAutocannon, type AutocannonRequest } from './autocannon';
import { cpuMsOf, startDatabaseProcess, stopChild } from './processes';
import { addressOf, createInvitations, surveyForm } from './survey-fixtures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const INVITATIONS = Number(process.env.BENCH_INVITATIONS ?? 30_000);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** `all` (web and jobs, as `npm start`) or `web` (HTTP only). */
const PROCESS_ROLE = process.env.BENCH_PROCESS_ROLE ?? 'all';
const TARGET_RSS_GROWTH = 0.1;
const DB_NAME = 'bench_load';

if (process.argv[2] === '--bare-server') {
  serveBareJson();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  const serverEntry = path.join(projectRoot, 'dist/src/server.js');
  if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing: run npm run build (npm run bench:load does it first)`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
  const database = await startDatabaseProcess(path.join(dataDir, 'db'));
  configureMongoose();
  const connection = await mongoose.createConnection(database.uri, { dbName: DB_NAME }).asPromise();
  const children: ChildProcess[] = [];
  try {
    await ensureIndexes(connection);
    await ensureDefaultSurvey(connection);
    let started = Date.now();
    const tokens = await createInvitations(connection, INVITATIONS);
    const apiKey = await createApiKey(connection, { name: 'bench:load', scopes: ['events:write'] });
    console.log(`${INVITATIONS.toLocaleString('en')} churned customers with survey invitations and an API key created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    started = Date.now();
    const server = await startServer(serverEntry, database.uri, dataDir);
    children.push(server.child);
    const bare = await startBareServer();
    children.push(bare.child);
    console.log(`server ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${server.child.pid}, role ${PROCESS_ROLE})`);
    if (PROCESS_ROLE !== 'web') {
      // Recurring jobs run once at start (the nightly value recompute and snapshot read every customer): not the load measured here.
      await startupJobsFinished(connection, new Date(started));
      console.log(`start-up runs of the recurring jobs finished ${((Date.now() - started) / 1000).toFixed(1)} s after the start`);
    }

    const load = loadPlans(tokens, apiKey.token);
    const memoryAtStart = await server.memory();
    console.log(`warming up: ${WARMUP_SECONDS} s of each workload …`);
    await runLoad(server.url, load.survey, WARMUP_SECONDS);
    await runLoad(server.url, load.events, WARMUP_SECONDS);
    const memoryAfterWarmUp = await server.memory();

    console.log(`measuring: ${SECONDS} s of each workload, ${CONNECTIONS} connections …`);
    const survey = await runLoad(server.url, load.survey, SECONDS, { server: server.child.pid, database: database.pid });
    const events = await runLoad(server.url, load.events, SECONDS, { server: server.child.pid, database: database.pid });
    const memoryAtEnd = await server.memory();
    const baseline = await runLoad(bare.url, load.bare, SECONDS, { server: bare.child.pid });

    await stopChild(server.child);
    const checks = await consistencyChecks(connection);
    report({ survey, events, baseline }, { start: memoryAtStart, warm: memoryAfterWarmUp, end: memoryAtEnd }, checks, load.counts());
  } finally {
    for (const child of children) await stopChild(child);
    await connection.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// --- the processes -------------------------------------------------------------------------------

interface RunningServer {
  url: string;
  child: ChildProcess;
  /** The server's memory after full garbage collections (see load-memory-probe.ts). */
  memory(): Promise<NodeJS.MemoryUsage>;
}

/** `npm start`'s server with production settings, on a free port, with the memory probe preloaded. */
async function startServer(entry: string, databaseUri: string, dataDir: string): Promise<RunningServer> {
  const port = await freePort();
  const child = fork(entry, [], {
    execArgv: ['--enable-source-maps', '--expose-gc', '-r', path.join(__dirname, 'load-memory-probe.js'), ...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [])],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      MONGODB_URI: databaseUri,
      DB_NAME,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      // Each request comes "from" its own customer address (X-Forwarded-For), as real customers
      // do: from one address the survey pages' rate limit answers 429 after 60 a minute.
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'warn',
      PROCESS_ROLE,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child);
  return {
    url,
    child,
    memory: () =>
      new Promise((resolve) => {
        // Asked a moment after the load stops, so requests still in flight have finished.
        const onMessage = (message: { memory?: NodeJS.MemoryUsage }) => {
          if (!message.memory) return;
          child.off('message', onMessage);
          resolve(message.memory);
        };
        child.on('message', onMessage);
        setTimeout(() => child.send('memory?'), 1000);
      }),
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server was not ready within 60 s');
}

/** Waits until every recurring job has run once since `since` and none is running. */
async function startupJobsFinished(connection: Connection, since: Date): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  const jobs = connection.db!.collection<{ name: string; lastFinishedAt?: Date; failedAt?: Date; lockedAt?: Date | null }>('agendaJobs');
  while (Date.now() < deadline) {
    const recurring = await jobs.find({ repeatInterval: { $exists: true } }).toArray();
    const finished = recurring.filter((job) => !job.lockedAt && ((job.lastFinishedAt && job.lastFinishedAt >= since) || (job.failedAt && job.failedAt >= since)));
    if (recurring.length > 0 && finished.length === recurring.length) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the recurring jobs did not finish their start-up runs within 10 minutes');
}

/** The ceiling: the smallest useful Express app, parsing JSON and answering with it, in its own process. */
async function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(__filename, ['--bare-server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function serveBareJson(): void {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.status(201).json(req.body);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// --- the load ------------------------------------------------------------------------------------

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** CPU time per answered request of the server and of the database process (Linux; NaN elsewhere). */
  serverCpuMs?: number;
  databaseCpuMs?: number;
}

interface LoadCounts {
  /** Survey submissions sent (each with a token of its own). */
  surveyRequests: number;
  /** Requests after the tokens ran out (they go to an unknown link). */
  tokensExhausted: number;
  /** Churn events sent, each with a new event id and customer. */
  eventRequests: number;
}

const triggers = ['cancellation', 'inactivity'];

/** The causes a host reports, in turn. */
const causes = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural'];

/** The three workloads; each request takes the next token or id, across warm-up and measurement. */
function loadPlans(tokens: string[], apiKey: string) {
  const runId = randomBytes(4).toString('hex');
  const counts: LoadCounts = { surveyRequests: 0, tokensExhausted: 0, eventRequests: 0 };
  const survey: AutocannonRequest = {
    method: 'POST',
    setupRequest: (base) => {
      const i = counts.surveyRequests++;
      const token = tokens[i] ?? (counts.tokensExhausted++, 'exhausted-token-no-such-link-000000000000');
      return { ...base, path: `/s/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': addressOf(i) }, body: surveyForm(i) };
    },
  };
  const events: AutocannonRequest = {
    method: 'POST',
    path: '/api/v1/churn-events',
    setupRequest: (base) => {
      const i = counts.eventRequests++;
      const body = {
        eventId: `load-${runId}-${i}`,
        customer: { externalId: `load-${runId}-${i}`, source: 'load', name: `Load customer ${i}`, email: `load-${runId}-${i}@example.com`, emailConsent: true },
        at: new Date().toISOString(),
        trigger: triggers[i % triggers.length],
        cause: { code: causes[i % causes.length], reason: 'Reported by the host CRM at cancellation.' },
      };
      return { ...base, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) };
    },
  };
  const bare: AutocannonRequest = { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify(echoBody) };
  return { survey, events, bare, counts: () => ({ ...counts }) };
}

/**
 * Runs one workload. With the server's and database's process ids, it also reports their CPU time
 * per answered request: unlike requests/s, it hardly changes when other processes share the machine.
 */
async function runLoad(url: string, request: AutocannonRequest, seconds: number, processes: { server?: number; database?: number } = {}): Promise<LoadResult> {
  const autocannon = loadAutocannon();
  const before = { server: cpuMsOf(processes.server), database: cpuMsOf(processes.database) };
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, requests: [request] });
  const answered = Math.max(1, result['2xx'] + result.non2xx);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    serverCpuMs: (cpuMsOf(processes.server) - before.server) / answered,
    databaseCpuMs: (cpuMsOf(processes.database) - before.database) / answered,
  };
}

/** About the size of a churn event, as JSON. */
const echoBody = {
  eventId: 'load-00000000-1',
  customer: { externalId: 'load-00000000-1', source: 'load', name: 'Load customer 1', email: 'load-00000000-1@example.com', emailConsent: true },
  at: '2026-01-01T00:00:00.000Z',
  trigger: 'cancellation',
  cause: { code: 'price', reason: 'Reported by the host CRM at cancellation.' },
};

// --- the checks and the report --------------------------------------------------------------------

interface Checks {
  responses: number;
  churnEvents: number;
  customersCreated: number;
  invitationsOnChurn: number;
}

/** What the server stored, read after it stopped: every accepted request once, nothing twice. */
async function consistencyChecks(connection: Connection): Promise<Checks> {
  const created = await customerModel(connection).find({ source: 'load' }, { _id: 1 }).lean().exec();
  return {
    responses: await responseModel(connection).countDocuments({}),
    churnEvents: await timelineEventModel(connection).countDocuments({ type: 'churned', key: trusted({ $regex: '^churned:load:' }) }),
    customersCreated: created.length,
    invitationsOnChurn: await invitationModel(connection).countDocuments({ customerId: trusted({ $in: created.map((customer) => customer._id) }) }),
  };
}

interface Memory {
  start: NodeJS.MemoryUsage;
  warm: NodeJS.MemoryUsage;
  end: NodeJS.MemoryUsage;
}

function report(results: { survey: LoadResult; events: LoadResult; baseline: LoadResult }, memory: Memory, checks: Checks, counts: LoadCounts): void {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rows: Array<[string, LoadResult]> = [
    ['survey submission  POST /s/:token', results.survey],
    ['churn event        POST /api/v1/churn-events', results.events],
    ['bare Express JSON  POST /echo (baseline)', results.baseline],
  ];
  console.log(`\nloopback, ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s of warm-up; server: dist/src/server.js (NODE_ENV=production, web + jobs);`);
  console.log(`embedded database in its own process; ${cpuModel()}, node ${process.version}\n`);
  const cpu = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '—' : ms.toFixed(2));
  console.log(
    `${''.padEnd(46)}  ${'req/s'.padStart(7)}  ${'p50 ms'.padStart(6)}  ${'p99 ms'.padStart(6)}  ${'2xx'.padStart(7)}  ${'non-2xx'.padStart(7)}  ${'errors'.padStart(6)}  ${'÷ baseline'.padStart(10)}  ${'CPU ms/req: server'.padStart(18)}  ${'database'.padStart(8)}`,
  );
  for (const [label, result] of rows) {
    console.log(
      `${label.padEnd(46)}  ${Math.round(result.requestsPerSecond).toLocaleString('en').padStart(7)}  ${String(result.p50).padStart(6)}  ${String(result.p99).padStart(6)}  ` +
        `${result.ok.toLocaleString('en').padStart(7)}  ${String(result.non2xx).padStart(7)}  ${String(result.errors).padStart(6)}  ${(result.requestsPerSecond / results.baseline.requestsPerSecond).toFixed(2).padStart(10)}  ` +
        `${cpu(result.serverCpuMs).padStart(18)}  ${cpu(result.databaseCpuMs).padStart(8)}`,
    );
  }
  const cpuRatio = (result: LoadResult) => (results.baseline.serverCpuMs ?? Number.NaN) / (result.serverCpuMs ?? Number.NaN);
  console.log(`\nserver CPU per request, baseline ÷ workload (the ratio in CPU time, steadier on a busy machine): survey ${cpuRatio(results.survey).toFixed(3)}, churn events ${cpuRatio(results.events).toFixed(3)}`);

  const growth = (memory.end.rss - memory.warm.rss) / memory.warm.rss;
  console.log('\nserver memory after full garbage collections:');
  for (const [label, usage] of [['at start', memory.start], ['after warm-up', memory.warm], ['at the end', memory.end]] as const) {
    console.log(`  ${label.padEnd(14)} RSS ${mb(usage.rss).padStart(9)}   heap used ${mb(usage.heapUsed).padStart(8)} of ${mb(usage.heapTotal).padStart(8)}   external ${mb(usage.external).padStart(8)}`);
  }
  const heapGrowth = (memory.end.heapUsed - memory.warm.heapUsed) / memory.warm.heapUsed;
  console.log(
    `  RSS growth after warm-up: ${(growth * 100).toFixed(1)}% (target < ${TARGET_RSS_GROWTH * 100}%) ${growth < TARGET_RSS_GROWTH ? 'met' : 'NOT met'}; heap used ${(heapGrowth * 100).toFixed(1)}%`,
  );

  console.log('\nstored, read after the server stopped:');
  console.log(`  survey responses: ${checks.responses.toLocaleString('en')} (${counts.surveyRequests.toLocaleString('en')} submissions sent; autocannon counted ${(results.survey.ok).toLocaleString('en')} 2xx in the measured run)`);
  console.log(
    `  churn events: ${checks.churnEvents.toLocaleString('en')} recorded for ${counts.eventRequests.toLocaleString('en')} sent; ${checks.customersCreated.toLocaleString('en')} customers created` +
      `${checks.customersCreated === checks.churnEvents ? ' — one per event' : ' — MISMATCH'}; ${checks.invitationsOnChurn.toLocaleString('en')} survey invitations made on churn` +
      `${checks.invitationsOnChurn === checks.customersCreated ? ' — one each' : ' — MISMATCH'}`,
  );
  if (counts.tokensExhausted > 0) console.log(`  ran out of invitations after ${INVITATIONS.toLocaleString('en')}: raise BENCH_INVITATIONS (${counts.tokensExhausted} requests had no token)`);

  const unexpected = results.survey.non2xx + results.survey.errors + results.events.non2xx + results.events.errors;
  const consistent = checks.customersCreated === checks.churnEvents && checks.invitationsOnChurn === checks.customersCreated;
  if (growth >= TARGET_RSS_GROWTH || unexpected > 0 || !consistent || counts.tokensExhausted > 0) process.exitCode = 1;
}

function cpuModel(): string {
  try {
    const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/gm) ?? [];
    return `${cpus.length} × ${cpus[0]?.replace(/^model name\s*:\s*/, '') ?? 'unknown CPU'}`;
  } catch {
    return 'unknown CPU';
  }
}

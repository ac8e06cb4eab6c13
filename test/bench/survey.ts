/**
 * npm run bench:survey — survey submissions per second through the real app (createApp, the
 * embedded database on a journaled temp folder, production settings), next to a bare Express
 * JSON echo endpoint measured in the same run with the same load. Target: survey/bare ≥ 0.5.
 *
 * Every request is a new, valid submission: N invitations with working link tokens are created
 * up front (in bulk), and the load generator takes the next token for each request. Each request
 * comes "from" its own customer address (X-Forwarded-For, with TRUST_PROXY=loopback), as real
 * customers do; from one address the per-address rate limit would answer 429 after 60.
 *
 * The load generator (autocannon) runs in a child process, so it does not share the server's
 * event loop. After the run, the stored responses must equal the 2xx submissions the server sent.
 *
 * Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (10), BENCH_INVITATIONS (40000),
 * BENCH_PROFILE=<file.cpuprofile> to record the server's CPU profile during the survey load
 * (open it in Chrome DevTools or speedscope), and MONGODB_URI to use a database server
 * elsewhere (a real MongoDB, or `npm run db` in its own process) instead of the in-process one.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { customerModel } from '../../src/modules/customers/customer.model';
import { responseModel } from '../../src/modules/surveys/response.model';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { configureMongoose } from '../../src/shared/db/connection';
import { startEmbeddedMongo } from '../../src/shared/db/embedded';
import { createLogger } from '../../src/shared/logging';
import { loadAutocannon, type AutocannonRequest } from './autocannon';
import { addressOf, createInvitations, surveyForm } from './survey-fixtures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const INVITATIONS = Number(process.env.BENCH_INVITATIONS ?? 40_000);
const PROFILE = process.env.BENCH_PROFILE;
const EXTERNAL_DB = process.env.MONGODB_URI;
const TARGET_RATIO = 0.5;

/** What the parent asks the load generator to run. */
interface LoadPlan {
  kind: 'survey' | 'bare';
  url: string;
  tokens: string[];
}

/** The figures the load generator reports (a subset of autocannon's result). */
interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests sent after the tokens ran out (they go to an unknown link). */
  exhausted: number;
  /** Server CPU time per answered request, added by the parent. */
  cpuMsPerRequest?: number;
}

if (process.argv[2] === '--load-generator') {
  process.once('message', (plan: LoadPlan) => {
    generateLoad(plan).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function main(): Promise<void> {
  // Express turns its view cache on from NODE_ENV, as in a production server.
  process.env.NODE_ENV = 'production';
  const dbPath = mkdtempSync(path.join(tmpdir(), 'bench-survey-'));
  // MONGODB_URI: a real MongoDB, or the embedded one run as its own process (npm run db).
  const database = EXTERNAL_DB ? undefined : await startEmbeddedMongo({ dbPath });
  const dbName = `bench_survey_${Date.now()}`;
  configureMongoose();
  // Command events let the report say how many database round trips one submission costs.
  const connection = await mongoose.createConnection(EXTERNAL_DB ?? database!.uri, { dbName, monitorCommands: true }).asPromise();
  let commands = 0;
  const commandKinds = new Map<string, number>();
  connection.getClient().on('commandStarted', (event) => {
    commands++;
    const kind = `${event.commandName} ${String(event.command[event.commandName])}`;
    commandKinds.set(kind, (commandKinds.get(kind) ?? 0) + 1);
  });
  try {
    await ensureDefaultSurvey(connection);
    const started = Date.now();
    const tokens = await createInvitations(connection, INVITATIONS);
    console.log(`${INVITATIONS.toLocaleString('en')} customers and invitations created in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('hex'), TRUST_PROXY: 'loopback', LOG_LEVEL: 'silent' }, []);
    const surveyServer = await listen(createApp({ config, logger: createLogger({ level: 'silent' }), connection }));
    const bareServer = await listen(bareJsonApp());

    const profiler = PROFILE ? await startProfiler() : undefined;
    const commandsBefore = commands;
    commandKinds.clear();
    const survey = await measured(surveyServer, () => runLoad({ kind: 'survey', url: surveyServer.url, tokens }));
    const commandsPerSubmission = (commands - commandsBefore) / Math.max(1, surveyServer.answered());
    // Per submission, leaving out one-off commands (first reads of cached things, collection set-up).
    const commandMix = [...commandKinds]
      .map(([kind, count]) => [kind, count / Math.max(1, surveyServer.answered())] as const)
      .filter(([, perSubmission]) => perSubmission >= 0.05)
      .map(([kind, perSubmission]) => `${kind} ${perSubmission.toFixed(1)}`)
      .join(', ');
    if (profiler && PROFILE) writeFileSync(PROFILE, JSON.stringify(await profiler.stop()));
    const bare = await measured(bareServer, () => runLoad({ kind: 'bare', url: bareServer.url, tokens: [] }));

    const stored = await responseModel(connection).countDocuments({});
    const causesSet = await customerModel(connection).countDocuments({ 'cause.source': 'survey' });
    await surveyServer.close();
    await bareServer.close();

    report(survey, bare, { stored, causesSet, serverOk: surveyServer.okCount(), commandsPerSubmission, commandMix });
    const healthy = stored === surveyServer.okCount() && causesSet === stored && survey.exhausted === 0;
    if (!healthy) process.exitCode = 1;
  } finally {
    if (EXTERNAL_DB) await connection.dropDatabase();
    await connection.close();
    await database?.close();
    rmSync(dbPath, { recursive: true, force: true });
  }
}

/**
 * Runs a load and adds the server process's CPU time per answered request (app and embedded
 * database together): unlike requests/s, it hardly changes when other processes share the machine.
 */
async function measured(server: BenchServer, load: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = process.cpuUsage();
  const answeredBefore = server.answered();
  const result = await load();
  await server.settled();
  const cpu = process.cpuUsage(before);
  return { ...result, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, server.answered() - answeredBefore) };
}

/** The server process's CPU profiler (the load generator is another process). */
async function startProfiler(): Promise<{ stop(): Promise<object> }> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as Record<string, unknown>))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      return profile as object;
    },
  };
}


/** The ceiling: the smallest useful Express app, parsing JSON and echoing it. */
function bareJsonApp(): Express {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  return app;
}

interface BenchServer {
  url: string;
  /** 2xx answers to POSTs, counted as the app sends them. */
  okCount(): number;
  /** Every answer the app has sent. */
  answered(): number;
  /** Resolves when no request is in flight (the load generator stops mid-request). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

function listen(app: Express): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    let ok = 0;
    let answered = 0;
    let inFlight = 0;
    const server: Server = app.listen(0, '127.0.0.1');
    server.on('request', (req, res) => {
      inFlight++;
      // Counted when the app answers, delivered or not: when autocannon stops it drops the
      // connections with requests in flight, which the app still completes (and stores).
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        inFlight--;
        answered++;
        if (req.method === 'POST' && res.statusCode >= 200 && res.statusCode < 300) ok++;
        return end(...args);
      }) as typeof res.end;
    });
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        okCount: () => ok,
        answered: () => answered,
        async settled() {
          while (inFlight > 0) await new Promise((done) => setTimeout(done, 20));
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Runs one load in a child process and returns its figures. */
function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    child.once('message', (result: LoadResult) => resolve(result));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load generator exited with ${code}`))));
    child.send(plan);
  });
}

// --- the load generator (child process) ---------------------------------------------------------

async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const autocannon = loadAutocannon();
  let next = 0;
  let exhausted = 0;
  const request: AutocannonRequest =
    plan.kind === 'survey'
      ? {
          method: 'POST',
          setupRequest: (base) => {
            const i = next++;
            const token = plan.tokens[i] ?? (exhausted++, 'exhausted-token-no-such-link-000000000000');
            return { ...base, path: `/s/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': addressOf(i) }, body: surveyForm(i) };
          },
        }
      : { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify(echoBody) };
  const result = await autocannon({ url: plan.url, connections: CONNECTIONS, duration: SECONDS, requests: [request] });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    exhausted,
  };
}

/** About the size of a survey form, as JSON. */
const echoBody = { mainReason: 'price', boughtElsewhere: 'no', likelyReturn: 7, details: 'Support took three days to answer and the price went up twice this year.', mayContact: 'yes' };

// --- the report ----------------------------------------------------------------------------------

function report(survey: LoadResult, bare: LoadResult, checks: { stored: number; causesSet: number; serverOk: number; commandsPerSubmission: number; commandMix: string }): void {
  const rows: Array<[string, LoadResult]> = [
    ['survey submission  POST /s/:token', survey],
    ['bare Express JSON  POST /echo', bare],
  ];
  const where = EXTERNAL_DB ? 'database at MONGODB_URI' : 'embedded database in this process, journaled temp folder';
  console.log(`\nloopback, ${CONNECTIONS} connections, ${SECONDS} s each, ${where}, node ${process.version}\n`);
  console.log(`${''.padEnd(34)}  ${'req/s'.padStart(8)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'2xx'.padStart(8)}  ${'non-2xx'.padStart(7)}  ${'errors'.padStart(6)}  ${'CPU ms/req'.padStart(10)}`);
  for (const [label, result] of rows) {
    console.log(
      `${label.padEnd(34)}  ${Math.round(result.requestsPerSecond).toLocaleString('en').padStart(8)}  ${String(result.p50).padStart(7)}  ${String(result.p99).padStart(7)}  ${result.ok.toLocaleString('en').padStart(8)}  ${String(result.non2xx).padStart(7)}  ${String(result.errors + result.timeouts).padStart(6)}  ${(result.cpuMsPerRequest ?? 0).toFixed(3).padStart(10)}`,
    );
  }
  const ratio = survey.requestsPerSecond / bare.requestsPerSecond;
  console.log(`\nratio survey/bare: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  console.log(`database commands per submission: ${checks.commandsPerSubmission.toFixed(1)} (${checks.commandMix})`);
  console.log(`server CPU per request, bare/survey: ${((bare.cpuMsPerRequest ?? 0) / (survey.cpuMsPerRequest ?? 1)).toFixed(3)} (the same ratio measured in CPU time, steadier on a busy machine)`);
  const consistent = checks.stored === checks.serverOk;
  console.log(
    `stored responses: ${checks.stored.toLocaleString('en')}; 2xx submissions answered by the server: ${checks.serverOk.toLocaleString('en')} ` +
      `(${survey.ok.toLocaleString('en')} counted by autocannon, which drops the requests in flight when it stops) ${consistent ? '— equal' : '— MISMATCH'}`,
  );
  console.log(`customers with the cause from their answers: ${checks.causesSet.toLocaleString('en')}${checks.causesSet === checks.stored ? ' — one per response' : ' — MISMATCH'}`);
  if (survey.exhausted > 0) console.log(`ran out of invitations after ${INVITATIONS.toLocaleString('en')}: raise BENCH_INVITATIONS (${survey.exhausted} requests had no token)`);
}

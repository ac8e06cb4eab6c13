/**
 * The bed every fuzz test runs on: one app on one test database, a keep-alive HTTP client, a
 * watch on every write the app makes, and a tally of outcomes per target.
 *
 *   const bed = await startFuzzBed();
 *   // Throws on a 5xx, and on a 4xx that changed a document; counts the answer under its target.
 *   const answer = await bed.probe('POST /api/v1/churn-events', { method: 'POST', path: '/api/v1/churn-events', json: { … } });
 *   bed.tally.print('Hostile input on /api/v1');
 *
 * "Wrote nothing" is read from the driver's command monitoring on the app's own connection: a
 * rejected request may run queries, but no insert, update or delete of it may change a document.
 * Two kinds of book-keeping are not the request's doing and are left out: the session store,
 * and an API key's "last used" stamp (written at most once a minute, whatever the request).
 */
import http from 'node:http';
import { Router, type Express } from 'express';
import mongoose, { type Connection } from 'mongoose';
import type { CommandStartedEvent, CommandSucceededEvent, Document } from 'mongodb';
import { createApp } from '../../src/app';
import { seedTaxonomy } from '../../src/modules/classification/taxonomy.service';
import { loadValueContext } from '../../src/modules/customers/value/value.service';
import { ensureDefaultSurvey } from '../../src/modules/surveys/surveys.service';
import { routeTableOf, type RouteDeclaration } from '../../src/shared/auth';
import { createLogger } from '../../src/shared/logging';
import { testConfig } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { listenOnFreePort, type ListeningApp } from '../helpers/http';

/** Inputs for all fuzz targets together; `FUZZ_RUNS=100000 npx jest test/security` for a long run. */
export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 10_000);

/** `FUZZ_ROUTES=/campaigns` fuzzes only the routes whose path matches (to chase one finding). */
const routeFilter = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : undefined;
export const fuzzesEveryRoute = routeFilter === undefined;
export const chosenForFuzzing = (route: RouteDeclaration) => routeFilter === undefined || routeFilter.test(route.path);

/** fast-check's settings for `runs` inputs; `FUZZ_SEED` replays a reported run. */
export function fuzzSettings(runs: number) {
  return { numRuns: runs, endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) };
}

/** Time for one fuzz test: generous for the default, growing with FUZZ_RUNS (about 20 ms an input on a loaded machine). */
export const fuzzTimeoutMs = Math.max(180_000, fuzzRuns * 20);

/** The share of `fuzzRuns` each fuzz test file takes (they add up to 1). */
export const fuzzShares = { api: 0.4, forms: 0.2, import: 0.08, survey: 0.32 } as const;

export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as application/json (exactly as given, when a string). */
  json?: unknown;
  /** Sent as is, with the content type in `headers`. */
  body?: string | Buffer;
}

export interface FuzzAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A document change the driver saw acknowledged. */
export interface SeenWrite {
  command: string;
  collection: string;
  changed: number;
}

export interface FuzzBed {
  db: TestDatabase;
  /** The app's connection (command-monitored). */
  connection: Connection;
  url: string;
  routes: RouteDeclaration[];
  send(request: FuzzRequest): Promise<FuzzAnswer>;
  /** Sends a request and checks it: never 5xx, a 4xx changed no document. Returns the answer and what it wrote. */
  probe(target: string, request: FuzzRequest): Promise<FuzzAnswer & { writes: SeenWrite[] }>;
  /** Writes seen since the last call. */
  takeWrites(): Promise<SeenWrite[]>;
  tally: Tally;
  close(): Promise<void>;
}

export async function startFuzzBed(options: { env?: Record<string, string> } = {}): Promise<FuzzBed> {
  const db = await createTestDatabase();
  const connection = await mongoose.createConnection(db.uri, { dbName: db.dbName, monitorCommands: true }).asPromise();
  await settleAsAfterStartUp(connection);
  const writes = watchWrites(connection);
  const config = testConfig(options.env);
  // The job dashboard's place is taken by a stand-in: its guard is fuzzed, not agendash.
  const standIn = { isRunning: () => true, dashboard: () => Router().all('/', (_req, res) => res.json({ dashboard: true })) };
  // Errors the app logs are kept, so a 5xx comes with the server's stack trace.
  const loggedErrors: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void loggedErrors.push(line) } });
  const expressApp: Express = createApp({ config, logger, connection, scheduler: standIn });
  // As in production: page templates are compiled once, not on every request (most of a page's cost in tests).
  expressApp.enable('view cache');
  const app: ListeningApp = await listenOnFreePort(expressApp);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const send = (request: FuzzRequest) => sendOver(agent, app.url, request);
  const tally = new Tally();

  return {
    db,
    connection,
    url: app.url,
    routes: routeTableOf(expressApp).declared,
    send,
    tally,
    takeWrites: writes.take,
    async probe(target, request) {
      await writes.take();
      const started = performance.now();
      const answer = await send(request);
      tally.count(target, answer.status, performance.now() - started);
      if (answer.status >= 500) throw new Error(`${target}: HTTP ${answer.status} for ${summaryOf(request)}\n${answer.text.slice(0, 300)}\n${lastStack(loggedErrors)}`);
      // An accepted request may start work of its own after answering (event handlers): let it begin, so it is not blamed on the next input.
      if (answer.status < 400) await new Promise((resolve) => setTimeout(resolve, 2));
      const written = await writes.take();
      if (answer.status >= 400 && written.length > 0) {
        throw new Error(`${target}: HTTP ${answer.status} but wrote ${JSON.stringify(written)} for ${summaryOf(request)}`);
      }
      return { ...answer, writes: written };
    },
    async close() {
      agent.destroy();
      await app.close();
      await connection.close();
      await db.close();
    },
  };
}

/** Counts per target: inputs, and answers by class. */
export class Tally {
  private readonly rows = new Map<string, { inputs: number; '2xx': number; '3xx': number; '4xx': number; '5xx': number; ms: number }>();

  count(target: string, status: number, ms = 0): void {
    const row = this.rows.get(target) ?? { inputs: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, ms: 0 };
    row.inputs++;
    row.ms += ms;
    row[`${Math.floor(status / 100)}xx` as '2xx' | '3xx' | '4xx' | '5xx']++;
    this.rows.set(target, row);
  }

  get total(): number {
    return [...this.rows.values()].reduce((sum, row) => sum + row.inputs, 0);
  }

  /** A plain table, one line per target and a total, for the end of a run. */
  report(title: string): string {
    const lines = [...this.rows].map(([target, row]) => `${target.padEnd(52)} ${String(row.inputs).padStart(6)} ${String(row['2xx']).padStart(6)} ${String(row['3xx']).padStart(6)} ${String(row['4xx']).padStart(6)} ${String(row['5xx']).padStart(4)} ${(row.ms / row.inputs).toFixed(1).padStart(5)}`);
    const header = `${'target'.padEnd(52)} ${'inputs'.padStart(6)} ${'2xx'.padStart(6)} ${'3xx'.padStart(6)} ${'4xx'.padStart(6)} ${'5xx'.padStart(4)} ${'ms'.padStart(5)}`;
    return [`\n${title}`, header, ...lines, `${'total'.padEnd(52)} ${String(this.total).padStart(6)}`, ''].join('\n');
  }

  /** Prints the report past jest's console decoration. */
  print(title: string): void {
    process.stdout.write(this.report(title));
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The state of an installation that has been running: the default survey and cause taxonomy
 * exist and the value model's tier cuts are computed. Each is otherwise created on first use,
 * a write that would land on whichever request comes first, refused or not.
 */
async function settleAsAfterStartUp(connection: Connection): Promise<void> {
  await ensureDefaultSurvey(connection);
  await seedTaxonomy(connection);
  await loadValueContext(connection);
}

/** Collections whose writes are book-keeping rather than the request's effect (see the header). */
function isBookKeeping(write: { command: string; collection: string }): boolean {
  return write.collection === 'sessions' || (write.collection === 'apiKeys' && write.command === 'update');
}

const writeCommands = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'bulkWrite', 'drop', 'dropDatabase', 'create']);

/** Records every acknowledged write that changed a document; `take` waits for commands in flight. */
function watchWrites(connection: Connection) {
  const client = connection.getClient();
  // By request: a command started before the watch began only ends in it, and is ignored.
  const inFlight = new Map<string, { command: string; collection: string; write: boolean }>();
  let seen: SeenWrite[] = [];
  const keyOf = (event: { requestId: number; address: string; connectionId?: string | number }) => `${event.address}/${String(event.connectionId)}/${event.requestId}`;

  client.on('commandStarted', (event: CommandStartedEvent) => {
    inFlight.set(keyOf(event), { command: event.commandName, collection: String(event.command[event.commandName]), write: writeCommands.has(event.commandName) });
  });
  client.on('commandSucceeded', (event: CommandSucceededEvent) => {
    const started = inFlight.get(keyOf(event));
    inFlight.delete(keyOf(event));
    if (!started?.write) return;
    const changed = documentsChanged(started.command, event.reply as Document);
    if (changed > 0 && !isBookKeeping(started)) seen.push({ command: started.command, collection: started.collection, changed });
  });
  client.on('commandFailed', (event) => inFlight.delete(keyOf(event)));

  return {
    /** Waits until the app's commands settle (a few quiet turns), then hands over what was written. */
    async take(): Promise<SeenWrite[]> {
      const deadline = Date.now() + 10_000;
      for (let quiet = 0; quiet < 3; ) {
        await new Promise((resolve) => setImmediate(resolve));
        quiet = inFlight.size === 0 ? quiet + 1 : 0;
        if (Date.now() > deadline) throw new Error(`database commands still running after 10 s: ${JSON.stringify([...inFlight.values()])}`);
      }
      const taken = seen;
      seen = [];
      return taken;
    },
  };
}

function documentsChanged(command: string, reply: Document): number {
  switch (command) {
    case 'update':
      return Number(reply.nModified ?? 0) + (Array.isArray(reply.upserted) ? reply.upserted.length : 0);
    case 'findAndModify':
    case 'findandmodify':
      return reply.value ? 1 : Number(reply.lastErrorObject?.upserted ? 1 : 0);
    case 'insert':
    case 'delete':
      return Number(reply.n ?? 0);
    default:
      return 1;
  }
}

function sendOver(agent: http.Agent, baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const headers: Record<string, string | number> = { ...request.headers };
  let body: string | Buffer | undefined = request.body;
  if (request.json !== undefined) {
    body = typeof request.json === 'string' ? request.json : JSON.stringify(request.json);
    headers['content-type'] ??= 'application/json';
  }
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(`${baseUrl}${request.path}`, { method: request.method, headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function lastStack(loggedErrors: string[]): string {
  // The error handler's line carries the cause; pino-http's own "request errored" line does not.
  const line = loggedErrors.findLast((logged) => !logged.includes('"request errored"')) ?? loggedErrors.at(-1);
  if (!line) return '(nothing logged)';
  const logged = JSON.parse(line) as { msg?: string; err?: { stack?: string } };
  return `server logged: ${logged.msg ?? ''}\n${logged.err?.stack?.split('\n').slice(0, 12).join('\n') ?? line.slice(0, 1000)}`;
}

function summaryOf(request: FuzzRequest): string {
  const body = request.json !== undefined ? JSON.stringify(request.json) : request.body?.toString();
  return `${request.method} ${request.path} ${(body ?? '').slice(0, 400)}`;
}

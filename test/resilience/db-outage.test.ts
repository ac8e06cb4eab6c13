/**
 * Database outages under the real app server (bounded in `npm test`: 3 s; `npm run test:resilience`:
 * DB_OUTAGE_MS=12000, longer than the driver's 10 s server selection): the embedded database runs as its own process and
 *   - goes away (SIGKILL) for a while and is started again: meanwhile /readyz says 503, /healthz
 *     200, API requests are answered 503 (or held until the database is back), never hang and
 *     never crash the app; afterwards requests succeed and a job that fell due during the
 *     outage runs;
 *   - freezes (SIGSTOP) for two seconds: /readyz says 503 within its ping timeout, requests
 *     sent meanwhile complete once it thaws.
 */
import { randomUUID } from 'node:crypto';
import { recordResilienceRow } from './summary';
import type { ServerProcess } from '../helpers/server-process';
import { createEventsApiKey, spawnAppOn, startStandaloneDatabase, stopApp, type StandaloneDatabase } from '../helpers/standalone-db';
import { waitFor } from '../helpers/wait';

const OUTAGE_MS = Number(process.env.DB_OUTAGE_MS ?? 3000);
const dbName = 'db_outage';

let database: StandaloneDatabase;
let app: ServerProcess;
let url: string;
let apiKey: string;

beforeAll(async () => {
  database = await startStandaloneDatabase();
  apiKey = await createEventsApiKey(database, dbName);
  ({ app, url } = await spawnAppOn(database, dbName));
}, 60_000);

afterAll(async () => {
  if (app) await stopApp(app);
  await database?.remove();
});

test(`when the database is gone for ${OUTAGE_MS / 1000} s, then readiness says 503, requests fail cleanly, and after its return requests and jobs work again`, async () => {
  expect((await probe('/readyz')).status).toBe(200);
  expect((await reportChurn()).status).toBe(201);
  const dueDuringOutage = await queueHeartbeatJob(`after-outage-${randomUUID().slice(0, 8)}`, new Date(Date.now() + OUTAGE_MS / 2));

  await database.kill();
  const outageEnds = Date.now() + OUTAGE_MS;
  const readiness: number[] = [];
  const liveness: number[] = [];
  const writes: Array<Promise<Answer>> = [];
  while (Date.now() < outageEnds - 300) {
    writes.push(reportChurn());
    const [ready, live] = await Promise.all([probe('/readyz'), probe('/healthz')]);
    readiness.push(ready.status);
    liveness.push(live.status);
    await pause(250);
  }
  await pause(Math.max(0, outageEnds - Date.now()));
  await database.start();
  const during = await Promise.all(writes);

  await waitFor(async () => (await probe('/readyz')).status === 200, { timeoutMs: 20_000, what: '/readyz 200 after the restart' });
  const after = await reportChurn();
  const heartbeat = await waitFor(() => heartbeatRecorded(dueDuringOutage), { timeoutMs: 20_000, intervalMs: 500, what: 'the job due during the outage to run' });

  const summary = {
    outageMs: OUTAGE_MS,
    readyz: tally(readiness),
    healthz: tally(liveness),
    writesDuringOutage: tally(during.map((answer) => answer.status)),
    codesDuringOutage: tally(during.map((answer) => answer.code)),
    afterRestart: after.status,
    jobDueDuringOutageRanAt: heartbeat.beatAt,
    schedulerErrorsLogged: app.log.filter((line) => line.msg === 'job scheduler error').length,
    // A failure that is not a plain "database unreachable" says why here (a 500 was seen once under heavy load).
    otherFailures: app.log
      .filter((line) => line.msg === 'request failed' && !/^Mongo(ose)?(ServerSelection|Network|NotConnected|TopologyClosed)/.test(String((line as { err?: { type?: string } }).err?.type)))
      .map((line) => JSON.stringify(line).slice(0, 800)),
  };
  console.log(`database outage test: ${JSON.stringify(summary)}`);
  recordResilienceRow({ test: `Database away ${OUTAGE_MS} ms`, trials: 1, sends: during.length, acknowledgedWrites: during.filter((answer) => answer.status === 201).length + (after.status === 201 ? 1 : 0), recovered: after.status === 201 });

  expect(readiness.length).toBeGreaterThan(0);
  expect(readiness.every((status) => status === 503)).toBe(true);
  expect(liveness.every((status) => status === 200)).toBe(true);
  // Refused as a temporary outage (or held until the database was back) — never a 500, never no answer.
  for (const answer of during) {
    if (answer.status === 503) expect(answer.code).toBe('database_unavailable');
    else expect(answer.status).toBe(201);
  }
  // The driver holds a request for a server for up to serverSelectionTimeoutMS (10 s): an outage
  // shorter than that may see every write held and then stored (a clean-clone CI run did, 11 of
  // 11), so only a longer outage must show the 503. The bounded run still fails on a 500, a hang
  // or a crash; test/unit/database-unavailable.test.ts covers the 503 itself.
  if (OUTAGE_MS > 10_000) expect(during.some((answer) => answer.status === 503)).toBe(true);
  expect(after.status).toBe(201);
  expect(app.child.exitCode).toBeNull();
}, 60_000 + OUTAGE_MS * 2);

test('when the database freezes for two seconds, then readiness says 503 meanwhile and requests sent during the freeze complete after it', async () => {
  const frozen = database.process!.child;
  frozen.kill('SIGSTOP');
  let during: Answer[];
  let ready: Answer;
  try {
    const writes = Promise.all([reportChurn(), reportChurn(), reportChurn()]);
    // Answered after the readiness ping's own 2 s timeout: by then the freeze has lasted that long.
    ready = await probe('/readyz');
    frozen.kill('SIGCONT');
    during = await writes;
  } finally {
    frozen.kill('SIGCONT');
  }

  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ checks: { database: expect.stringMatching(/^ping took longer than/) } });
  expect(during.map((answer) => answer.status)).toEqual([201, 201, 201]);
  expect((await probe('/readyz')).status).toBe(200);
  expect(app.child.exitCode).toBeNull();
  expect(await stopApp(app)).toMatchObject({ code: 0, signal: null });
}, 60_000);

// ---------------------------------------------------------------------------------------------

interface Answer {
  /** HTTP status; 0 when no answer came within 30 s. */
  status: number;
  /** The error code of a JSON error body. */
  code?: string;
  body?: unknown;
}

function reportChurn(): Promise<Answer> {
  const id = randomUUID();
  return request('POST', '/api/v1/churn-events', { eventId: `evt-${id}`, customer: { externalId: `c-${id}`, name: 'Outage Customer' }, at: '2026-03-01T10:00:00Z', trigger: 'cancellation' });
}

function probe(path: string): Promise<Answer> {
  return request('GET', path);
}

async function request(method: string, path: string, body?: unknown): Promise<Answer> {
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const parsed = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
    return { status: response.status, code: parsed?.error?.code, body: parsed };
  } catch {
    return { status: 0 };
  }
}

/** A `system.heartbeat` job due at `dueAt`, queued the way agenda stores one (as another process would). */
async function queueHeartbeatJob(worker: string, dueAt: Date): Promise<string> {
  const connection = await database.connect(dbName);
  try {
    await connection.collection('agendaJobs').insertOne({ name: 'system.heartbeat', data: { worker }, type: 'normal', priority: 0, nextRunAt: dueAt, lockedAt: null, lastModifiedBy: null });
  } finally {
    await connection.close();
  }
  return worker;
}

async function heartbeatRecorded(worker: string): Promise<{ beatAt: Date } | null> {
  const connection = await database.connect(dbName);
  try {
    return await connection.collection<{ worker: string; beatAt: Date }>('heartbeats').findOne({ worker }, { projection: { _id: 0, beatAt: 1 } });
  } finally {
    await connection.close();
  }
}

function tally(values: Array<string | number | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

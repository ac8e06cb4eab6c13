/**
 * Kill test for the database (bounded in `npm test`: 2 trials; `npm run test:resilience`: 10):
 * the embedded database runs as its own process (`npm run db`) under the real app server, and
 * is killed with SIGKILL at a random moment of a burst of concurrent API writes (churn events
 * and transactions, each with its own id), then restarted on the same data folder while the
 * burst goes on. The app must stay up and reconnect by itself; every write it acknowledged
 * with an HTTP 2xx must be in the database after the restart, and none of them twice.
 */
import type { Connection } from 'mongoose';
import type { ServerProcess } from '../helpers/server-process';
import { createEventsApiKey, spawnAppOn, startStandaloneDatabase, stopApp, type StandaloneDatabase } from '../helpers/standalone-db';
import { waitFor } from '../helpers/wait';
import { recordResilienceRow } from './summary';

const TRIALS = Number(process.env.DB_KILL_TRIALS ?? 2);
const WRITERS = 8;
const dbName = 'db_kill';

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

/** One API write as a client makes it: sent again with the same id until the app acknowledges it. */
interface Write {
  kind: 'churnEvent' | 'transaction';
  /** The caller's id (eventId or transactionId). */
  id: string;
  /** HTTP statuses of the refused attempts (0: no answer). */
  refusals: number[];
  acknowledged: boolean;
}

test(`when the database is killed ${TRIALS} times during bursts of API writes, then every acknowledged write is there after the restart, once`, async () => {
  // Customers the transactions are booked on, made before any kill.
  const buyers = Array.from({ length: 10 }, (_, i) => `buyer-${i}`);
  for (const buyer of buyers) expect(await reportChurn(buyer, `setup-${buyer}`)).toBe(201);

  const writes: Write[] = [];
  const trials: Array<{ killAfterMs: number; downMs: number; writes: number; refusals: number }> = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const firstWrite = writes.length;
    let stoppedAt = Infinity;
    let restartedAt = Infinity;
    let acknowledgedSinceRestart = 0;
    const writer = async (w: number) => {
      for (let n = 0; Date.now() < stoppedAt; n++) {
        const write: Write = { kind: n % 2 === 0 ? 'churnEvent' : 'transaction', id: `t${trial}-w${w}-${n}`, refusals: [], acknowledged: false };
        writes.push(write);
        // A client retries a refused write with the same id, as the 503 (Retry-After) and 409 invite.
        while (!write.acknowledged && Date.now() - stoppedAt < 15_000) {
          const status = write.kind === 'churnEvent' ? await reportChurn(`customer-${write.id}`, `evt-${write.id}`) : await reportTransaction(buyers[(w + n) % buyers.length], `tx-${write.id}`);
          write.acknowledged = status >= 200 && status < 300;
          if (write.acknowledged && Date.now() > restartedAt) acknowledgedSinceRestart++;
          if (!write.acknowledged) {
            write.refusals.push(status);
            await pause(250);
          }
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    const killAfterMs = 100 + Math.floor(Math.random() * 500);
    await pause(killAfterMs);
    await database.kill();
    const downMs = 200 + Math.floor(Math.random() * 2800);
    await pause(downMs);
    await database.start();
    restartedAt = Date.now();
    // The burst goes on until the app has acknowledged writes on the restarted database.
    while (acknowledgedSinceRestart < 20 && Date.now() - restartedAt < 20_000) await pause(50);
    stoppedAt = Date.now();
    await Promise.all(writers);

    expect(app.child.exitCode).toBeNull();
    const ofTrial = writes.slice(firstWrite);
    trials.push({ killAfterMs, downMs, writes: ofTrial.length, refusals: ofTrial.reduce((sum, write) => sum + write.refusals.length, 0) });
  }

  // One more kill with nothing in flight, so everything is read back from the journal.
  await database.kill();
  await database.start();
  // The app's driver notices the restarted database at its next heartbeat: readiness follows.
  await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 20_000, what: '/readyz 200 after the last restart' });

  const acknowledged = writes.filter((write) => write.acknowledged);
  const connection = await database.connect(dbName);
  let stored: Awaited<ReturnType<typeof countStored>>;
  try {
    stored = await countStored(connection, acknowledged);
  } finally {
    await connection.close();
  }
  const refusals = writes.flatMap((write) => write.refusals);
  const summary = {
    trials: TRIALS,
    writes: writes.length,
    acknowledgedWrites: acknowledged.length,
    acknowledgedAfterRetry: acknowledged.filter((write) => write.refusals.length > 0).length,
    neverAcknowledged: writes.length - acknowledged.length,
    refusedAnswers: tally(refusals),
    foundAfterRestart: stored.found,
    lost: acknowledged.length - stored.found,
    doubled: stored.doubled,
    kills: trials,
  };
  console.log(`database kill test: ${JSON.stringify(summary)}`);
  recordResilienceRow({ test: 'Database SIGKILL during API writes', trials: TRIALS, sends: writes.length, duplicates: stored.doubled, losses: summary.lost, acknowledgedWrites: acknowledged.length, recovered: summary.neverAcknowledged === 0 });

  expect(app.child.exitCode).toBeNull();
  expect(acknowledged.length).toBeGreaterThan(TRIALS * 20);
  expect(summary.lost).toBe(0);
  expect(summary.doubled).toBe(0);
  // An outage is answered 503 (never 500, never silence); a copy of a half-recorded report that may
  // still be in progress 409; and every retried write went through in the end.
  expect(Object.keys(summary.refusedAnswers).filter((status) => status !== '503' && status !== '409')).toEqual([]);
  expect(summary.neverAcknowledged).toBe(0);
  expect(await stopApp(app)).toMatchObject({ code: 0, signal: null });
}, 60_000 + TRIALS * 30_000);

// ---------------------------------------------------------------------------------------------

/** POST /churn-events for a new customer; the HTTP status, or 0 when no answer came. */
function reportChurn(externalId: string, eventId: string): Promise<number> {
  return post('/churn-events', { eventId, customer: { externalId, name: `Customer ${externalId}` }, at: '2026-03-01T10:00:00Z', trigger: 'cancellation' });
}

function reportTransaction(externalId: string, transactionId: string): Promise<number> {
  return post('/transactions', { transactionId, customer: { externalId }, at: '2026-02-01T10:00:00Z', amount: 19.9 });
}

async function post(path: string, body: unknown): Promise<number> {
  try {
    const response = await fetch(`${url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** How many acknowledged writes are in the database, and how many of them are stored more than once. */
async function countStored(connection: Connection, acknowledged: Write[]): Promise<{ found: number; doubled: number }> {
  const churnIds = acknowledged.filter((write) => write.kind === 'churnEvent').map((write) => write.id);
  const transactionIds = acknowledged.filter((write) => write.kind === 'transaction').map((write) => `tx-${write.id}`);
  // A churn event is there when its timeline entry and its churned customer both are.
  const events = await connection
    .collection('customer_events')
    .aggregate([
      { $match: { key: { $in: churnIds.map((id) => `churned:crm:evt-${id}`) } } },
      { $lookup: { from: 'customers', localField: 'customerId', foreignField: '_id', as: 'customer' } },
      { $project: { key: 1, churned: { $in: ['churned', '$customer.status'] } } },
    ])
    .toArray();
  const customersTwice = await connection
    .collection('customers')
    .aggregate([{ $match: { externalId: { $in: churnIds.map((id) => `customer-${id}`) } } }, { $group: { _id: '$externalId', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
    .toArray();
  const transactions = await connection.collection('transactions').find({ transactionId: { $in: transactionIds } }, { projection: { transactionId: 1 } }).toArray();

  const eventKeys = new Set(events.filter((event) => event.churned).map((event) => String(event.key)));
  const transactionKeys = new Set(transactions.map((transaction) => String(transaction.transactionId)));
  return {
    found: eventKeys.size + transactionKeys.size,
    doubled: events.length - new Set(events.map((event) => String(event.key))).size + (transactions.length - transactionKeys.size) + customersTwice.length,
  };
}

function tally(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

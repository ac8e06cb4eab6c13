/**
 * The embedded database as its own process (`npm run db`) on a fixed port and data folder, so a
 * test can kill, pause and restart it under a running app server, and the app server as another
 * child process pointed at it. Used by the database fault tests in test/resilience/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { createApiKey } from '../../src/modules/accounts/accounts.service';
import type { ApiScope } from '../../src/shared/auth/api-scopes';
import { configureMongoose } from '../../src/shared/db/connection';
import { spawnServer, type ServerProcess } from './server-process';

export interface StandaloneDatabase {
  /** mongodb://127.0.0.1:PORT/ — the same across restarts. */
  readonly uri: string;
  readonly dbPath: string;
  /** The running process, or undefined between a kill and a start. */
  readonly process: ServerProcess | undefined;
  /** Starts the process on the same port and folder (after a kill, like a supervisor would). */
  start(): Promise<void>;
  /** SIGKILL: no compaction, no clean close; the journal is all that is left. */
  kill(): Promise<void>;
  /** Opens a mongoose connection to `dbName` (the test's own, to arrange and to check; builds no indexes). */
  connect(dbName: string): Promise<Connection>;
  /** Stops the process if running and removes the data folder. */
  remove(): Promise<void>;
}

export async function startStandaloneDatabase(): Promise<StandaloneDatabase> {
  const dbPath = mkdtempSync(path.join(tmpdir(), 'churn-db-fault-'));
  const port = await freePort();
  const uri = `mongodb://127.0.0.1:${port}/`;
  let current: ServerProcess | undefined;

  const handle: StandaloneDatabase = {
    uri,
    dbPath,
    get process() {
      return current;
    },
    async start() {
      current = spawnServer('src/shared/db/embedded/cli.ts', {}, ['--port', String(port), '--dbpath', dbPath]);
      await current.waitForLog(/^embedded database listening/, 30_000);
    },
    async kill() {
      if (!current) return;
      const exiting = current;
      current = undefined;
      exiting.child.kill('SIGKILL');
      await exiting.exited;
    },
    async connect(dbName) {
      configureMongoose();
      return mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
    },
    async remove() {
      if (current) {
        current.child.kill('SIGCONT');
        current.child.kill('SIGTERM');
        await current.exited;
        current = undefined;
      }
      rmSync(dbPath, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

/** An API key for the events API, written straight into the database the app will use. */
export async function createEventsApiKey(database: StandaloneDatabase, dbName: string, scopes: ApiScope[] = ['events:write', 'customers:read']): Promise<string> {
  const connection = await database.connect(dbName);
  try {
    return (await createApiKey(connection, { name: 'fault test', scopes })).token;
  } finally {
    await connection.close();
  }
}

/** The real server (role all) as a child process on the standalone database; resolves with its URL. */
export async function spawnAppOn(database: StandaloneDatabase, dbName: string, env: Record<string, string> = {}): Promise<{ app: ServerProcess; url: string }> {
  const app = spawnServer('src/server.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: '0',
    MONGODB_URI: `${database.uri}${dbName}`,
    DATA_DIR: database.dbPath,
    JOBS_PROCESS_EVERY_MS: '200',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...env,
  });
  const line = await app.waitForLog(/^listening on /, 30_000);
  return { app, url: String(line.url) };
}

/** Stops the app with SIGTERM; resolves with its exit. */
export async function stopApp(app: ServerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
  return app.exited;
}

/** A port nobody listens on now (the database keeps it across restarts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

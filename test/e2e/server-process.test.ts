/**
 * The server as a real process: configuration errors, serving, roles' shutdown, persistence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/shared/db/embedded';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'churn-e2e-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Environment for a child server with its own data folder and database name. */
function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: '0',
    DATA_DIR: dataDir,
    DB_NAME: `e2e_${path.basename(dataDir).replace(/\W/g, '_')}`,
    JOBS_PROCESS_EVERY_MS: '100',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...extra,
  };
}

/** Opens the database the child used, after it has exited. */
async function openChildDatabase(dbName: string): Promise<{ connection: Connection; close(): Promise<void> }> {
  let embedded: EmbeddedMongo | undefined;
  let uri = process.env.MONGODB_URI;
  if (uri === undefined) {
    embedded = await startEmbeddedMongo({ dbPath: path.join(dataDir, 'db'), memory: false });
    uri = embedded.uri;
  }
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  return {
    connection,
    async close() {
      if (process.env.MONGODB_URI) await connection.dropDatabase();
      await connection.close();
      await embedded?.close();
    },
  };
}

async function listeningUrl(server: ServerProcess): Promise<string> {
  const line = await server.waitForLog(/^listening on /);
  return String(line.url);
}

async function waitForJobSuccess(server: ServerProcess, jobName: string): Promise<void> {
  await server.waitForLog((line) => line.msg === 'job succeeded' && (line.job as { name?: string } | undefined)?.name === jobName);
}

describe('starting with bad configuration', () => {
  it('when PORT is not a number, then the process exits 1 with one line naming PORT', async () => {
    const server = spawnServer('src/server.ts', serverEnv({ PORT: 'abc' }));

    const { code } = await server.exited;

    expect(code).toBe(1);
    expect(server.stderr()).toBe('Invalid configuration: PORT: expected a number from 0 to 65535, got "abc"\n');
    expect(server.log).toEqual([]);
  });
});

describe('a running server', () => {
  it('when started in development, then it serves health, readiness and the job dashboard, and stops with 0 on SIGTERM', async () => {
    const server = spawnServer('src/server.ts', serverEnv({ NODE_ENV: 'development' }));
    const url = await listeningUrl(server);

    const health = await fetch(`${url}/healthz`);
    const ready = await fetch(`${url}/readyz`);
    const dashboard = await fetch(`${url}/admin/jobs/api/stats`);
    server.child.kill('SIGTERM');
    const { code } = await server.exited;

    expect(health.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', scheduler: 'ok' } });
    expect(dashboard.status).toBe(200);
    expect(code).toBe(0);
  });

  it('when the server is started a second time on the same data folder, then the first run\'s data is still there', async () => {
    const env = serverEnv({ LOG_LEVEL: 'debug' });
    const first = spawnServer('src/server.ts', env);
    await first.waitForLog(/^listening on /);
    const firstWorker = `${hostname()}:${first.child.pid}`;
    // The recurring heartbeat runs once right after start.
    await waitForJobSuccess(first, 'system.heartbeat');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const second = spawnServer('src/server.ts', env);
    const url = await listeningUrl(second);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const db = await openChildDatabase(env.DB_NAME);
    try {
      expect(await db.connection.collection('heartbeats').findOne({ worker: firstWorker })).not.toBeNull();
      expect(await db.connection.collection('agendaJobs').countDocuments({ name: 'system.heartbeat' })).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('when SIGTERM arrives during a job, then the job finishes, the process exits 0 in time, and the data is kept', async () => {
    const env = serverEnv();
    const server = spawnServer('test/fixtures/server-with-slow-job.ts', env);
    await server.waitForLog('slow job started');

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const { code, atMs } = await server.exited;

    const messages = server.log.map((line) => line.msg);
    expect(code).toBe(0);
    expect(atMs - signalledAt).toBeLessThan(Number(env.SHUTDOWN_TIMEOUT_MS));
    expect(messages.indexOf('shutting down')).toBeLessThan(messages.indexOf('slow job finished'));
    expect(messages.indexOf('slow job finished')).toBeLessThan(messages.indexOf('stopped'));

    const db = await openChildDatabase(env.DB_NAME);
    try {
      const job = await db.connection.collection('agendaJobs').findOne({ name: 'test.slow' });
      expect(job?.lastFinishedAt?.getTime()).toBeGreaterThanOrEqual(signalledAt);
      expect(job?.failReason ?? null).toBeNull();
      expect(job?.lockedAt ?? null).toBeNull();
    } finally {
      await db.close();
    }
  });
});

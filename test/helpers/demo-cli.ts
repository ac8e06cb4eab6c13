/**
 * `npm run demo` for end-to-end tests: the CLI run from the sources as its own process, on a
 * data folder of the test's own (the embedded database `npm start` would use there), or on a
 * uniquely named database at MONGODB_URI when the suite runs against a real MongoDB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/shared/db/embedded';
import { runCli as runOurCli, type CliRun } from './cli';

export interface DemoInstall {
  dataDir: string;
  /** The environment the demo and the server share: same data folder, same database. */
  env: Record<string, string>;
  /** Runs `npm run cli -- demo <args>` on this installation. */
  runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Opens the installation's database (the demo or server must have exited: the embedded one allows one process). */
  openDatabase(): Promise<{ connection: Connection; close(): Promise<void> }>;
  remove(): Promise<void>;
}

export async function newDemoInstall(): Promise<DemoInstall> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'churn-demo-'));
  const dbName = `demo_${path.basename(dataDir).replace(/\W/g, '_')}`;
  const external = process.env.MONGODB_URI;
  const env: Record<string, string> = { NODE_ENV: 'test', DATA_DIR: dataDir, DB_NAME: dbName, ...(external ? { MONGODB_URI: external } : {}) };

  return {
    dataDir,
    env,
    runDemo: (args) => runCli(['demo', ...args], env),
    async openDatabase() {
      let embedded: EmbeddedMongo | undefined;
      const uri = external ?? (embedded = await startEmbeddedMongo({ dbPath: path.join(dataDir, 'db') })).uri;
      const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
      return {
        connection,
        async close() {
          await connection.close();
          await embedded?.close();
        },
      };
    },
    async remove() {
      if (external) {
        const connection = await mongoose.createConnection(external, { dbName }).asPromise();
        await connection.dropDatabase();
        await connection.close();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runOurCli(args, { env });
}

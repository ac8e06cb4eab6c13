/**
 * A fresh database for one test file: a uniquely named database on MONGODB_URI when it is set
 * (dropped at the end), otherwise an in-memory embedded server of its own on a free port.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '../../src/config';
import { configureMongoose } from '../../src/shared/db/connection';
import { ensureIndexes } from '../../src/models';
import { startEmbeddedMongo } from '../../src/shared/db/embedded';

export interface TestDatabase {
  /** Server address without a database name. */
  uri: string;
  dbName: string;
  connection: Connection;
  /** Opens another connection to the same database (e.g. to close it in a test). */
  connect(): Promise<Connection>;
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  configureMongoose();
  const external = loadConfig(process.env, []).db.uri;
  const dbName = `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const embedded = external === undefined ? await startEmbeddedMongo({ memory: true }) : undefined;
  const uri = embedded?.uri ?? (external as string);
  const connect = () => mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
  const connection = await connect();
  // As at start-up: unique indexes exist before a test writes (idempotency tests rely on them).
  await ensureIndexes(connection);

  return {
    uri,
    dbName,
    connection,
    connect,
    async close() {
      if (external !== undefined) await connection.dropDatabase();
      await connection.close();
      await embedded?.close();
    },
  };
}

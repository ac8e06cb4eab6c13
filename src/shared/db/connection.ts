/**
 * Connects mongoose to the database: the MongoDB at `MONGODB_URI` when configured, otherwise
 * the embedded server, started here on loopback with its data under `DATA_DIR/db`.
 *
 * Each app gets its own `mongoose.Connection` (not the global default one), and models are
 * bound to that connection; this lets tests run isolated apps side by side.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../../config';
import type { Logger } from '../logging';
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './embedded';

export interface Database {
  readonly connection: Connection;
  /** Closes the mongoose connection, then the embedded server if one was started. */
  close(): Promise<void>;
}

export async function connectDatabase(config: Config, logger: Logger): Promise<Database> {
  configureMongoose();
  const log = logger.child({ component: 'db' });
  const embedded = config.db.uri === undefined ? await startEmbedded(config, log) : undefined;
  const uri = embedded?.uri ?? (config.db.uri as string);
  const dbName = embedded ? config.db.name : (databaseNameIn(uri) ?? config.db.name);

  try {
    const connection = await mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
    log.info({ dbName, embedded: embedded !== undefined }, 'database connected');
    return {
      connection,
      async close() {
        await connection.close();
        await embedded?.close();
      },
    };
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

/**
 * Global mongoose behaviour, applied once for every connection:
 * - `sanitizeFilter` strips `$`-operators from query filters built from user input, so a
 *   request body like `{"email": {"$ne": null}}` cannot widen a query;
 * - `strictQuery` drops filter fields that are not in the schema.
 */
export function configureMongoose(): void {
  mongoose.set('sanitizeFilter', true);
  mongoose.set('strictQuery', true);
}

/** The embedded server keeps its files in DATA_DIR/db, where `npm run db` looks by default too. */
export function embeddedDbPath(config: Config): string {
  return path.join(config.db.dataDir, 'db');
}

async function startEmbedded(config: Config, log: Logger): Promise<EmbeddedMongo> {
  const dbPath = embeddedDbPath(config);
  await mkdir(dbPath, { recursive: true });
  return startEmbeddedMongo({
    host: '127.0.0.1',
    port: config.db.embeddedPort,
    dbPath,
    log: forwardTo(log),
  });
}

function forwardTo(log: Logger): NonNullable<EmbeddedMongoOptions['log']> {
  return (level, message, details) => log[level](details ?? {}, message);
}

/** The database named in a connection string's path, if any (`mongodb://host/crm?…` → `crm`). */
export function databaseNameIn(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : undefined;
}

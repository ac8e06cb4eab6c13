/**
 * How a CLI command reaches the database: the same configuration and connection the server uses
 * (`.env`, MONGODB_URI or the embedded database in DATA_DIR). Logs go to stderr so a command's
 * own output on stdout stays clean.
 */
import pino from 'pino';
import mongoose, { type Connection } from 'mongoose';
import { environmentWithDotEnv, loadConfig, type Config } from '../config';
import { ensureIndexes } from '../models';
import { configureMongoose, connectDatabase, embeddedDbPath, type Database } from '../shared/db/connection';
import { runningEmbeddedServer } from '../shared/db/embedded';
import { createLogger, type Logger } from '../shared/logging';

export interface CliContext {
  config: Config;
  logger: Logger;
  connection: Connection;
}

/** Thrown when the database cannot be reached; the message is what to print. */
export class CliDatabaseError extends Error {
  override readonly name = 'CliDatabaseError';
}

/** Connects, runs `work`, and always disconnects. */
export async function withDatabase<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  // No argv: command options such as `user create --role admin` are not the server's --role flag.
  const config = loadConfig(environmentWithDotEnv(), []);
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, destination: pino.destination(2) });
  const database = await connectDatabase(config, logger).catch((error: unknown) => {
    throw explainConnectionFailure(error, config);
  });
  try {
    await ensureIndexes(database.connection);
    return await work({ config, logger, connection: database.connection });
  } finally {
    await database.close();
  }
}

/**
 * For backup and restore: the database as it is (no index build). With the embedded database,
 * while the app runs on the data folder this reaches the app's own server (`runningAppPid` is
 * then its process); otherwise it opens the folder itself, as `withDatabase` does.
 */
export async function withDatabaseAsItIs<T>(work: (context: CliContext & { runningAppPid?: number }) => Promise<T>): Promise<T> {
  const config = loadConfig(environmentWithDotEnv(), []);
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, destination: pino.destination(2) });
  const running = config.db.uri === undefined ? runningEmbeddedServer(embeddedDbPath(config)) : undefined;
  const database = running ? await connectToRunning(running.uri, config.db.name) : await connectDatabase(config, logger).catch((error: unknown) => {
    throw explainConnectionFailure(error, config);
  });
  try {
    return await work({ config, logger, connection: database.connection, runningAppPid: running?.pid });
  } finally {
    await database.close();
  }
}

async function connectToRunning(uri: string, dbName: string): Promise<Database> {
  configureMongoose();
  const connection = await mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 10_000 }).asPromise();
  return { connection, close: () => connection.close() };
}

/** The embedded database allows one process per data folder: say what to do instead. */
function explainConnectionFailure(error: unknown, config: Config): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (config.db.uri === undefined && /is in use by process/.test(message)) {
    return new CliDatabaseError(
      `${message}.\nThe app (npm start) owns its embedded database while it runs. Either stop it, or run the database ` +
        'on its own with `npm run db` and start both the app and this command with MONGODB_URI=mongodb://127.0.0.1:27017/',
    );
  }
  return error;
}

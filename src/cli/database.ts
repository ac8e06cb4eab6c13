/**
 * How a CLI command reaches the database: the same configuration and connection the server uses
 * (`.env`, MONGODB_URI or the embedded database in DATA_DIR). Logs go to stderr so a command's
 * own output on stdout stays clean.
 */
import pino from 'pino';
import type { Connection } from 'mongoose';
import { environmentWithDotEnv, loadConfig, type Config } from '../config';
import { ensureIndexes } from '../models';
import { connectDatabase } from '../shared/db/connection';
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

/**
 * Tells "the database cannot be reached right now" apart from every other failure, so that a
 * request caught by a database outage is answered 503 (try again later) rather than 500 (a bug).
 */
import mongoose from 'mongoose';

const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError } = mongoose.mongo;

const socketErrorCodes = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * True for the driver's network, pool-cleared and server-selection errors and mongoose's
 * buffering timeout, also when wrapped (a bulk write keeps the network error it died of in
 * `errorResponse`).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  // A socket error the driver passes on unwrapped: a write to a connection the database closed
  // ("This socket has been ended by the other party", EPIPE), seen when the database is killed.
  if (socketErrorCodes.has(String((error as NodeJS.ErrnoException).code))) return true;
  if (error.name === 'MongooseServerSelectionError' || (error.name === 'MongooseError' && / buffering timed out after /.test(error.message))) return true;
  if (depth >= 3) return false;
  const { errorResponse } = error as { errorResponse?: unknown };
  return isDatabaseUnavailable(errorResponse, depth + 1) || isDatabaseUnavailable(error.cause, depth + 1);
}

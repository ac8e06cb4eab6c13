/**
 * The embedded MongoDB-wire-compatible database server: what the rest of the app sees.
 * Start it, get a `mongodb://` URI for mongoose / the driver, close it.
 */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Loopback only by default; any other address is refused unless `allowNonLoopback` is set. */
  host?: string;
  allowNonLoopback?: boolean;
  /** Folder for the journal and snapshots. Ignored when `memory` is true. */
  dbPath?: string;
  /** Keep nothing on disk (tests). Default: true when no dbPath is given. */
  memory?: boolean;
  /** Receives one-line operational messages; defaults to silence. */
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

export interface EmbeddedMongo {
  readonly host: string;
  readonly port: number;
  /** e.g. mongodb://127.0.0.1:40123/ — append a database name. */
  readonly uri: string;
  /** Stops listening, destroys open sockets, flushes and closes the journal. */
  close(): Promise<void>;
}

export { runningEmbeddedServer, startEmbeddedMongo } from './server';

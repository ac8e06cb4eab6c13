/**
 * Executes commands against the catalog: the dispatch table, the handshake, and the pieces
 * every command shares (namespace, write journaling, cursor replies). Command groups live in
 * commands-*.ts beside this file.
 */
import { BSON, type Document } from 'bson';
import { Catalog, type WriteLog } from './catalog';
import { CursorRegistry } from './cursors';
import { commandNotFound, toCommandError } from './errors';
import type { Journal } from './journal';
import { adminCommands } from './commands-admin';
import { backupCommands } from './commands-backup';
import { readCommands } from './commands-read';
import { writeCommands } from './commands-write';

export const MAX_WIRE_VERSION = 21;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;

export interface ConnectionInfo {
  connectionId: number;
}

/** What a command handler receives. */
export interface CommandContext {
  engine: Engine;
  db: string;
  connection: ConnectionInfo;
  /** Operations to journal before the reply; handlers push, the engine writes. */
  log: WriteLog;
}

/** A handler answers with a plain document or with already-encoded BSON (cursor replies). */
export type CommandHandler = (command: Document, context: CommandContext) => Document | Uint8Array;

export class Engine {
  readonly cursors = new CursorRegistry(10 * 60 * 1000);
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly unknownLogged = new Set<string>();
  readonly startedAt = new Date();

  constructor(
    readonly catalog: Catalog,
    private readonly journal: Journal | null,
    private readonly warn: (message: string, details?: Record<string, unknown>) => void,
  ) {
    for (const group of [handshakeCommands, adminCommands, readCommands, writeCommands, backupCommands]) {
      for (const [name, handler] of Object.entries(group)) this.handlers.set(name.toLowerCase(), handler);
    }
  }

  /** Runs one command and returns the encoded reply body. Never throws. */
  execute(command: Document, connection: ConnectionInfo): Uint8Array {
    const name = Object.keys(command)[0] ?? '';
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    const context: CommandContext = { engine: this, db, connection, log: [] };
    let reply: Document | Uint8Array;
    try {
      const handler = this.handlers.get(name.toLowerCase());
      if (!handler) {
        if (!this.unknownLogged.has(name)) {
          this.unknownLogged.add(name);
          this.warn('embedded database: unsupported command', { command: name });
        }
        throw commandNotFound(name);
      }
      reply = handler(command, context);
    } catch (error) {
      reply = toCommandError(error).toReply();
    }
    // Whatever changed is journaled before anything is acknowledged, failed commands included
    // (an ordered batch that stopped half-way keeps its first half, as on mongod).
    if (context.log.length > 0) this.journal?.append(context.log);
    return reply instanceof Uint8Array ? reply : BSON.serialize(reply, { ignoreUndefined: true });
  }
}

const handshakeCommands: Record<string, CommandHandler> = {
  hello: (_command, { connection }) => helloReply(connection, true),
  isMaster: (_command, { connection }) => helloReply(connection, false),
  ismaster: (_command, { connection }) => helloReply(connection, false),
  ping: () => ({ ok: 1 }),
  buildInfo: () => ({
    version: '7.0.0',
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    ok: 1,
  }),
  endSessions: () => ({ ok: 1 }),
  getParameter: () => ({ ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded'], parsed: {}, ok: 1 }),
  hostInfo: () => ({ system: { hostname: '127.0.0.1' }, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  serverStatus: (_command, { engine }) => ({
    host: '127.0.0.1',
    version: '7.0.0',
    process: 'embedded',
    uptime: (Date.now() - engine.startedAt.getTime()) / 1000,
    localTime: new Date(),
    metrics: { cursor: { open: { total: engine.cursors.size } } },
    ok: 1,
  }),
};

/**
 * The handshake: a standalone, writable primary. `topologyVersion` is left out on purpose, so
 * the driver polls instead of holding an awaitable hello open.
 */
function helloReply(connection: ConnectionInfo, modern: boolean): Document {
  return {
    helloOk: true,
    ismaster: true,
    ...(modern ? { isWritablePrimary: true } : {}),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: connection.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

/** `db.coll` for a command whose first value is the collection name. */
export function namespaceOf(context: CommandContext, collection: unknown): string {
  return `${context.db}.${String(collection)}`;
}

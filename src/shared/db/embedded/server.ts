/**
 * The TCP side of the embedded database: accepts driver connections on loopback, frames
 * messages, runs commands on the engine, and owns the background chores (TTL expiry, idle
 * cursors, journal sync and compaction).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './index';
import { Catalog } from './catalog';
import { Engine } from './engine';
import { Journal } from './journal';
import { encodeOpMsgReply, encodeOpReply, MessageReader, OP_QUERY, parseMessage } from './wire';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const TTL_SWEEP_MS = 1000;
const SYNC_MS = 1000;
const COMPACT_CHECK_MS = 30_000;
const COMPACT_AT_BYTES = 64 * 1024 * 1024;
/** Beside the journal: the pid of the process that owns the folder, and the address it serves on. */
const LOCK_FILE = 'embedded.lock';
const ADDRESS_FILE = 'embedded.address';

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.allowNonLoopback) {
    throw new Error(`The embedded database has no authentication and binds to loopback only; refusing host ${host}`);
  }
  const log = options.log ?? (() => undefined);
  const memory = options.memory ?? !options.dbPath;
  const dbPath = memory ? null : path.resolve(options.dbPath!);

  let journal: Journal | null = null;
  let releaseLock = () => undefined as void;
  const catalog = new Catalog();
  if (dbPath) {
    releaseLock = acquireLock(dbPath);
    try {
      const opened = Journal.open(dbPath);
      journal = opened.journal;
      for (const op of opened.ops) catalog.replay(op);
      if (opened.tornBytes > 0) log('warn', 'embedded database: ignored a torn journal tail', { bytes: opened.tornBytes });
    } catch (error) {
      releaseLock();
      throw error;
    }
  }
  const engine = new Engine(catalog, journal, (message, details) => log('warn', message, details));

  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  const server = net.createServer((socket) => serveConnection(socket, engine, nextConnectionId++, sockets));
  server.maxConnections = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  const timers = [
    setInterval(() => sweepExpired(engine, journal, log), TTL_SWEEP_MS),
    setInterval(() => engine.cursors.sweep(), 60_000),
    ...(journal
      ? [
          setInterval(() => safely(log, 'journal sync', () => journal!.sync()), SYNC_MS),
          setInterval(() => {
            if (journal!.bytes >= COMPACT_AT_BYTES) safely(log, 'compaction', () => journal!.compact(engine.catalog.snapshot()));
          }, COMPACT_CHECK_MS),
        ]
      : []),
  ];
  for (const timer of timers) timer.unref();

  const uri = `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const withdrawAddress = dbPath ? publishAddress(dbPath, uri) : () => undefined;
  log('info', `embedded database listening on ${host}:${port}`, { dataDirectory: dbPath ?? '(memory only)' });

  let closing: Promise<void> | null = null;
  return {
    host,
    port,
    uri,
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        engine.cursors.clear();
        if (journal) {
          safely(log, 'compaction', () => journal!.compact(engine.catalog.snapshot()));
          journal.close();
        }
        withdrawAddress();
        releaseLock();
        log('info', 'embedded database closed', { port });
      })();
      return closing;
    },
  };
}

function serveConnection(socket: net.Socket, engine: Engine, connectionId: number, sockets: Set<net.Socket>): void {
  sockets.add(socket);
  socket.setNoDelay(true);
  const reader = new MessageReader();
  const connection = { connectionId };
  socket.on('data', (chunk) => {
    let messages: Buffer[];
    try {
      messages = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    const replies: Buffer[] = [];
    for (const message of messages) {
      let request;
      try {
        request = parseMessage(message);
      } catch {
        socket.destroy();
        return;
      }
      const body = engine.execute(request.command, connection);
      if (request.moreToCome) continue;
      replies.push(request.opCode === OP_QUERY ? encodeOpReply(request.requestId, body) : encodeOpMsgReply(request.requestId, body));
    }
    if (replies.length === 1) socket.write(replies[0]);
    else if (replies.length > 1) socket.write(Buffer.concat(replies));
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
}

/** Removes documents whose TTL-indexed date is older than the index allows (mongod's TTL monitor). */
function sweepExpired(engine: Engine, journal: Journal | null, log: NonNullable<EmbeddedMongoOptions['log']>): void {
  safely(log, 'ttl sweep', () => {
    const now = Date.now();
    for (const db of engine.catalog.databaseNames()) {
      for (const collection of engine.catalog.collections(db)) {
        for (const index of collection.indexes.values()) {
          if (index.expireAfterSeconds === undefined || index.fields.length !== 1) continue;
          const cutoff = new Date(now - index.expireAfterSeconds * 1000);
          const expired = collection.find({ [index.fields[0]]: { $lt: cutoff } });
          if (expired.length === 0) continue;
          for (const doc of expired) collection.remove(doc);
          journal?.append(expired.map((doc) => ({ o: 'del' as const, db, c: collection.name, id: doc._id })));
        }
      }
    }
  });
}

/**
 * The embedded server that another live process (the app, `npm run db`) runs on a data folder:
 * its pid and address, so a command such as `backup` can reach it instead of opening the folder.
 */
export function runningEmbeddedServer(dbPath: string): { pid: number; uri: string } | undefined {
  let pid: number;
  let uri: string;
  try {
    pid = Number(fs.readFileSync(path.join(dbPath, LOCK_FILE), 'utf8'));
    uri = fs.readFileSync(path.join(dbPath, ADDRESS_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!pid || pid === process.pid || !isAlive(pid) || !uri.startsWith('mongodb://')) return undefined;
  return { pid, uri };
}

/** Writes the address beside the lock; the returned function removes it again. */
function publishAddress(dbPath: string, uri: string): () => void {
  const file = path.join(dbPath, ADDRESS_FILE);
  fs.writeFileSync(file, `${uri}\n`);
  return () => fs.rmSync(file, { force: true });
}

/** One process per data folder: a second one would interleave journal writes. */
function acquireLock(dbPath: string): () => void {
  fs.mkdirSync(dbPath, { recursive: true });
  const lockFile = path.join(dbPath, LOCK_FILE);
  try {
    const holder = Number(fs.readFileSync(lockFile, 'utf8'));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(`The data folder ${dbPath} is in use by process ${holder}; point to another folder or stop that process`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  return () => fs.rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function safely(log: NonNullable<EmbeddedMongoOptions['log']>, what: string, chore: () => void): void {
  try {
    chore();
  } catch (error) {
    log('error', `embedded database: ${what} failed`, { error: error instanceof Error ? error.message : String(error) });
  }
}

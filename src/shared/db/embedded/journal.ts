/**
 * Durability for the embedded database: an append-only journal of physical operations
 * (put document, remove document, catalog changes) written before a write is acknowledged,
 * and a snapshot that compaction folds the journal into.
 *
 * Every record is framed as [u32 length][u32 crc32][BSON payload]. Replay stops at the first
 * record that is short or fails its checksum (a write torn by a crash) and cuts the file there.
 * Records are idempotent (a put sets a document whole, a removal removes it), so replaying a
 * journal that a crash left behind after a finished snapshot gives the same state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

export type JournalOp =
  | { o: 'put'; db: string; c: string; d: Document }
  | { o: 'del'; db: string; c: string; id: unknown }
  | { o: 'createColl'; db: string; c: string; opts: Document }
  | { o: 'dropColl'; db: string; c: string }
  | { o: 'dropDb'; db: string }
  | { o: 'createIdx'; db: string; c: string; spec: Document }
  | { o: 'dropIdx'; db: string; c: string; name: string };

const JOURNAL = 'journal.log';
const SNAPSHOT = 'snapshot.bson';
const HEADER = 8;
const WRITE_CHUNK = 8 * 1024 * 1024;

export function encodeRecord(op: JournalOp): Buffer {
  const payload = BSON.serialize(op, { ignoreUndefined: true });
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Reads the valid records of a file; `validLength` is where a torn tail begins. */
export function readRecords(file: string): { ops: JournalOp[]; validLength: number; torn: boolean } {
  if (!fs.existsSync(file)) return { ops: [], validLength: 0, torn: false };
  const data = fs.readFileSync(file);
  const ops: JournalOp[] = [];
  let offset = 0;
  while (offset + HEADER <= data.length) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const end = offset + HEADER + length;
    if (length < 5 || end > data.length) break;
    const payload = data.subarray(offset + HEADER, end);
    if (crc32(payload) !== checksum) break;
    try {
      ops.push(BSON.deserialize(payload, { promoteLongs: true }) as JournalOp);
    } catch {
      break;
    }
    offset = end;
  }
  return { ops, validLength: offset, torn: offset !== data.length };
}

export class Journal {
  private fd: number;
  private size: number;
  private dirty = false;

  private constructor(
    readonly dir: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Opens the folder, returning the journal and every operation to replay (snapshot first). */
  static open(dir: string): { journal: Journal; ops: JournalOp[]; tornBytes: number } {
    fs.mkdirSync(dir, { recursive: true });
    const snapshot = readRecords(path.join(dir, SNAPSHOT));
    const journalFile = path.join(dir, JOURNAL);
    const logged = readRecords(journalFile);
    const fileSize = fs.existsSync(journalFile) ? fs.statSync(journalFile).size : 0;
    if (logged.torn) fs.truncateSync(journalFile, logged.validLength);
    const fd = fs.openSync(journalFile, 'a');
    return {
      journal: new Journal(dir, fd, logged.validLength),
      ops: [...snapshot.ops, ...logged.ops],
      tornBytes: fileSize - logged.validLength,
    };
  }

  get bytes(): number {
    return this.size;
  }

  /** Appends one write's operations in a single write(2): in the OS before the reply goes out. */
  append(ops: JournalOp[]): void {
    if (ops.length === 0) return;
    const buffers = ops.map(encodeRecord);
    const joined = buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
    let written = 0;
    while (written < joined.length) written += fs.writeSync(this.fd, joined, written, joined.length - written);
    this.size += joined.length;
    this.dirty = true;
  }

  /** Flushes to the disk itself (power loss); a process crash is already covered by write(2). */
  sync(): void {
    if (!this.dirty) return;
    fs.fdatasyncSync(this.fd);
    this.dirty = false;
  }

  /**
   * Writes the whole state as a new snapshot (temp file, fsync, rename), then empties the
   * journal. A crash between the rename and the truncation replays the old journal on top of
   * the new snapshot, which is harmless because records are idempotent.
   */
  compact(state: Iterable<JournalOp>): void {
    const temp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = fs.openSync(temp, 'w');
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = () => {
        if (pendingBytes === 0) return;
        fs.writeSync(fd, Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      for (const op of state) {
        const record = encodeRecord(op);
        pending.push(record);
        pendingBytes += record.length;
        if (pendingBytes >= WRITE_CHUNK) flush();
      }
      flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path.join(this.dir, SNAPSHOT));
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    this.size = 0;
    this.dirty = false;
  }

  close(): void {
    this.sync();
    fs.closeSync(this.fd);
  }
}

/**
 * MongoDB wire protocol framing: the two request kinds a modern driver sends (a legacy OP_QUERY
 * for the very first handshake, OP_MSG for everything after) and the matching replies.
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { BSON, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const MSG_CHECKSUM_PRESENT = 1 << 0;
const MSG_MORE_TO_COME = 1 << 1;

/** The driver never sends more than maxMessageSizeBytes; anything larger is a broken peer. */
export const MAX_MESSAGE_SIZE = 48_000_000;

export interface WireRequest {
  requestId: number;
  opCode: number;
  /** The command document, with kind-1 document sequences folded in as arrays. */
  command: Document;
  /** OP_MSG with moreToCome: the client expects no reply. */
  moreToCome: boolean;
  /** OP_QUERY's collection name (e.g. admin.$cmd) — only for the legacy handshake. */
  legacyNamespace?: string;
}

const deserializeOptions = { promoteLongs: true, promoteValues: true } as const;

/** Parses one complete message (header included). Throws on malformed input. */
export function parseMessage(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(message, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(message, requestId);
  throw new Error(`unsupported opCode ${opCode}`);
}

function parseOpMsg(message: Buffer, requestId: number): WireRequest {
  const flags = message.readUInt32LE(16);
  const end = message.length - (flags & MSG_CHECKSUM_PRESENT ? 4 : 0);
  let offset = 20;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      command = BSON.deserialize(message.subarray(offset, offset + size), deserializeOptions);
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      let cursor = offset + 4;
      const nameEnd = message.indexOf(0, cursor);
      const identifier = message.toString('utf8', cursor, nameEnd);
      cursor = nameEnd + 1;
      const documents: Document[] = [];
      while (cursor < sectionEnd) {
        const docSize = message.readInt32LE(cursor);
        documents.push(BSON.deserialize(message.subarray(cursor, cursor + docSize), deserializeOptions));
        cursor += docSize;
      }
      sequences.push([identifier, documents]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error('OP_MSG without a body section');
  for (const [identifier, documents] of sequences) command[identifier] = documents;
  return { requestId, opCode: OP_MSG, command, moreToCome: (flags & MSG_MORE_TO_COME) !== 0 };
}

function parseOpQuery(message: Buffer, requestId: number): WireRequest {
  let offset = 20; // header (16) + flags (4)
  const nameEnd = message.indexOf(0, offset);
  const legacyNamespace = message.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8; // skip numberToSkip, numberToReturn
  const size = message.readInt32LE(offset);
  let command = BSON.deserialize(message.subarray(offset, offset + size), deserializeOptions);
  // Old drivers wrap the command as {$query: {...}, $readPreference: ...}.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  return { requestId, opCode: OP_QUERY, command, moreToCome: false, legacyNamespace };
}

let nextResponseId = 1;

/** An OP_MSG reply whose body is already BSON-encoded. */
export function encodeOpMsgReply(responseTo: number, body: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(21);
  const length = 21 + body.length;
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header[20] = 0; // section kind 0
  return Buffer.concat([header, body], length);
}

/** The legacy OP_REPLY, used only to answer the first OP_QUERY handshake. */
export function encodeOpReply(responseTo: number, body: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(36);
  const length = 36 + body.length;
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(OP_REPLY, 12);
  header.writeInt32LE(0, 16); // responseFlags
  header.writeBigInt64LE(0n, 20); // cursorID
  header.writeInt32LE(0, 28); // startingFrom
  header.writeInt32LE(1, 32); // numberReturned
  return Buffer.concat([header, body], length);
}

/**
 * Splits a TCP stream into whole messages. Chunks are kept as they arrive and joined only
 * when a message spans them, so a burst of small commands costs no copying.
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.flatten();
      const length = head.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_SIZE) throw new Error(`invalid message length ${length}`);
      if (this.buffered < length) break;
      const first = this.chunks[0].length >= length ? this.chunks[0] : this.flatten();
      messages.push(first.subarray(0, length));
      const rest = first.subarray(length);
      if (rest.length > 0) this.chunks[0] = rest;
      else this.chunks.shift();
      this.buffered -= length;
    }
    return messages;
  }

  private flatten(): Buffer {
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return joined;
  }
}

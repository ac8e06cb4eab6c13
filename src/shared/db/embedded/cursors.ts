/**
 * Open cursors (the rest of a find or aggregate result, handed out by getMore) and the
 * hand-built BSON of cursor replies: each document is serialized once, straight into the batch.
 */
import { randomInt } from 'node:crypto';
import { BSON, type Document } from 'bson';

const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();

  constructor(private readonly idleTimeoutMs: number) {}

  get size(): number {
    return this.open.size;
  }

  /** Reply to find/aggregate: the first batch, and a cursor id if more remains. */
  first(ns: string, docs: Document[], batchSize: number | undefined, singleBatch: boolean): Buffer {
    const limit = batchSize === undefined || batchSize <= 0 ? DEFAULT_FIRST_BATCH : batchSize;
    const { batch, next } = takeBatch(docs, 0, batchSize === 0 ? 0 : limit);
    let id = 0;
    if (next < docs.length && !singleBatch) {
      id = this.newId();
      this.open.set(id, { ns, docs, position: next, lastUsed: Date.now() });
    }
    return encodeCursorReply(id, ns, 'firstBatch', batch);
  }

  /** Reply to getMore; null when the cursor is unknown (expired or killed). */
  more(id: number, batchSize: number | undefined): Buffer | null {
    const cursor = this.open.get(id);
    if (!cursor) return null;
    const { batch, next } = takeBatch(cursor.docs, cursor.position, batchSize && batchSize > 0 ? batchSize : Infinity);
    cursor.position = next;
    cursor.lastUsed = Date.now();
    const exhausted = next >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return encodeCursorReply(exhausted ? 0 : id, cursor.ns, 'nextBatch', batch);
  }

  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed: number[] = [];
    const notFound: number[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Drops cursors nobody asked for within the idle timeout (mongod: 10 minutes). */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [id, cursor] of this.open) {
      if (now - cursor.lastUsed > this.idleTimeoutMs) {
        this.open.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.open.clear();
  }

  /** Positive, below 2^53 so it survives the driver's Long → number promotion exactly. */
  private newId(): number {
    let id: number;
    do id = randomInt(1, 2 ** 47) * 32 + randomInt(0, 32);
    while (this.open.has(id));
    return id;
  }
}

function takeBatch(docs: Document[], start: number, limit: number): { batch: Uint8Array[]; next: number } {
  const batch: Uint8Array[] = [];
  let bytes = 0;
  let index = start;
  while (index < docs.length && batch.length < limit) {
    const encoded = BSON.serialize(docs[index], { ignoreUndefined: true });
    if (batch.length > 0 && bytes + encoded.length > MAX_BATCH_BYTES) break;
    batch.push(encoded);
    bytes += encoded.length;
    index++;
  }
  return { batch, next: index };
}

/** {cursor: {<batchField>: [...], id: Long, ns}, ok: 1} built from pre-encoded documents. */
export function encodeCursorReply(id: number, ns: string, batchField: 'firstBatch' | 'nextBatch', docs: Uint8Array[]): Buffer {
  const arrayParts: Uint8Array[] = [];
  let arrayBytes = 4 + 1;
  docs.forEach((doc, index) => {
    const key = Buffer.from(`\u0003${index}\u0000`, 'latin1');
    arrayParts.push(key, doc);
    arrayBytes += key.length + doc.length;
  });
  const arrayHead = Buffer.allocUnsafe(4);
  arrayHead.writeInt32LE(arrayBytes, 0);

  const batchName = Buffer.from(`\u0004${batchField}\u0000`, 'latin1');
  const idElement = Buffer.allocUnsafe(4 + 8);
  idElement.write('\u0012id\u0000', 0, 'latin1');
  idElement.writeBigInt64LE(BigInt(id), 4);
  const nsBytes = Buffer.from(ns, 'utf8');
  const nsElement = Buffer.allocUnsafe(1 + 3 + 4 + nsBytes.length + 1);
  nsElement.write('\u0002ns\u0000', 0, 'latin1');
  nsElement.writeInt32LE(nsBytes.length + 1, 4);
  nsBytes.copy(nsElement, 8);
  nsElement[nsElement.length - 1] = 0;

  const cursorBytes = 4 + batchName.length + arrayBytes + idElement.length + nsElement.length + 1;
  const cursorHead = Buffer.allocUnsafe(4 + 8);
  cursorHead.writeInt32LE(cursorBytes, 0);

  const okElement = Buffer.allocUnsafe(1 + 3 + 8);
  okElement.write('\u0001ok\u0000', 0, 'latin1');
  okElement.writeDoubleLE(1, 4);

  const cursorName = Buffer.from('\u0003cursor\u0000', 'latin1');
  const total = 4 + cursorName.length + cursorBytes + okElement.length + 1;
  const head = Buffer.allocUnsafe(4);
  head.writeInt32LE(total, 0);
  const zero = Buffer.from([0]);
  return Buffer.concat(
    [head, cursorName, cursorHead.subarray(0, 4), batchName, arrayHead, ...arrayParts, zero, idElement, nsElement, zero, okElement, zero],
    total,
  );
}

export function encodeDocument(doc: Document): Uint8Array {
  return BSON.serialize(doc, { ignoreUndefined: true });
}

import { BSON } from 'bson';
import { CursorRegistry } from '../../../src/shared/db/embedded/cursors';
import { MessageReader, OP_MSG, parseMessage } from '../../../src/shared/db/embedded/wire';

function opMsg(requestId: number, body: object, flags = 0): Buffer {
  const doc = Buffer.from(BSON.serialize(body));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + doc.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(flags, 16);
  return Buffer.concat([header, doc]);
}

describe('wire framing', () => {
  test('when messages arrive split and joined across TCP chunks, then each is framed whole and in order', () => {
    const stream = Buffer.concat([opMsg(1, { ping: 1, $db: 'admin' }), opMsg(2, { hello: 1, $db: 'admin' }), opMsg(3, { find: 'x', $db: 'crm' })]);
    const reader = new MessageReader();
    const framed: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 7) framed.push(...reader.push(stream.subarray(offset, offset + 7)));
    expect(framed.map((message) => parseMessage(message).requestId)).toEqual([1, 2, 3]);
    expect(parseMessage(framed[2]).command).toMatchObject({ find: 'x', $db: 'crm' });
  });

  test('when an OP_MSG sets moreToCome, then the request says no reply is expected', () => {
    expect(parseMessage(opMsg(9, { insert: 'x', $db: 'crm' }, 2)).moreToCome).toBe(true);
  });

  test('when a length prefix is absurd, then the reader refuses the stream', () => {
    const bad = Buffer.alloc(8);
    bad.writeInt32LE(1_000_000_000, 0);
    expect(() => new MessageReader().push(bad)).toThrow(/invalid message length/);
  });
});

describe('cursors', () => {
  test('when a cursor stays idle past the timeout, then it is dropped and getMore finds nothing', () => {
    const registry = new CursorRegistry(1000);
    const docs = Array.from({ length: 5 }, (_, i) => ({ i }));
    const first = BSON.deserialize(registry.first('crm.x', docs, 2, false));
    const id = Number(first.cursor.id);
    expect(first.cursor.firstBatch).toHaveLength(2);
    expect(registry.sweep(Date.now() + 500)).toBe(0);
    expect(registry.sweep(Date.now() + 5000)).toBe(1);
    expect(registry.more(id, 10)).toBeNull();
  });

  test('when the batches are drained, then the last reply carries cursor id 0 as an int64', () => {
    const registry = new CursorRegistry(60_000);
    const first = BSON.deserialize(registry.first('crm.x', [{ a: 1 }, { a: 2 }, { a: 3 }], 2, false), { promoteLongs: false });
    const more = BSON.deserialize(registry.more(Number(first.cursor.id), undefined)!, { promoteLongs: false });
    expect(more.cursor.nextBatch).toEqual([{ a: 3 }]);
    expect(more.cursor.id._bsontype).toBe('Long');
    expect(more.cursor.id.toNumber()).toBe(0);
  });
});

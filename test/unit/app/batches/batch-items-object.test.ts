import { describe, expect, it } from 'vitest';
import type { StoredBatchItem } from '../../../../functions/adapters/batch-items';
import {
  chunkItemsFromObject,
  encodeItemsObject,
  type BatchItemObjectsPort,
} from '../../../../functions/app/batches/batch-items-object';
import { BATCH_CHUNK_ITEMS, chunkCountOf, chunkOf } from '../../../../functions/domain/batches/batch';

// The accepted items object: one JSON line per item, and the byte offset where each chunk starts, so
// process-batch reads one chunk's range and never the file. Multi-byte names check bytes, not characters.

const storedItem = (position: number): StoredBatchItem => ({
  batchId: 'bat_1',
  chunk: chunkOf(position),
  index: position,
  senderItemId: `i-${String(position).padStart(4, '0')}`,
  payoutId: `po_${position}`,
  amountMinor: 100 + position,
  currency: 'EUR',
  destination: { country: 'DE', method: 'sepa', iban: 'DE89370400440532013000' },
  recipient: { name: position % 2 === 0 ? 'Zoë Łukasz 田中' : 'Ada' },
  state: 'received',
});

/** An in-memory object store that hands the range out in small pieces, as a socket would. */
function memoryObjects(pieceBytes: number): BatchItemObjectsPort & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    put: async (key, body) => void objects.set(key, Buffer.from(body)),
    readRange: async (key, start, end) => {
      const slice = objects.get(key)!.subarray(start, end);
      return (async function* () {
        for (let at = 0; at < slice.length; at += pieceBytes) yield slice.subarray(at, at + pieceBytes);
      })();
    },
  };
}

async function readChunk(objects: BatchItemObjectsPort, offsets: readonly number[], chunk: number) {
  const items: StoredBatchItem[] = [];
  const batch = { batchId: 'bat_1', itemsObjectKey: 'k', chunkByteOffsets: offsets };
  for await (const item of chunkItemsFromObject(objects, batch, chunk)) items.push(item);
  return items;
}

describe('the accepted items object', () => {
  it.each([1, 99, 100, 101, 250])('%i items: each chunk reads back exactly its items', async (n) => {
    const items = Array.from({ length: n }, (_, i) => storedItem(i));
    const encoded = encodeItemsObject(items);
    expect(encoded.chunkByteOffsets).toHaveLength(chunkCountOf(n) + 1);
    expect(encoded.chunkByteOffsets.at(-1)).toBe(encoded.body.byteLength);
    const objects = memoryObjects(7); // pieces split lines and multi-byte characters
    await objects.put('k', encoded.body);
    for (let chunk = 0; chunk < chunkCountOf(n); chunk++)
      expect(await readChunk(objects, encoded.chunkByteOffsets, chunk)).toEqual(
        items.slice(chunk * BATCH_CHUNK_ITEMS, (chunk + 1) * BATCH_CHUNK_ITEMS),
      );
  });

  it.each([
    ['a range that ends inside a line', (offsets: number[]) => [offsets[0]!, offsets[1]! - 3], 0, 'truncated'],
    ['a range of another chunk', (offsets: number[]) => [offsets[1]!, offsets[2]!], 0, 'another batch or chunk'],
    ['a chunk the batch does not have', (offsets: number[]) => offsets, 9, 'no items object'],
  ])('%s is refused, never read as items', async (_name, offsetsOf, chunk, message) => {
    const encoded = encodeItemsObject(Array.from({ length: 250 }, (_, i) => storedItem(i)));
    const objects = memoryObjects(64);
    await objects.put('k', encoded.body);
    await expect(readChunk(objects, offsetsOf([...encoded.chunkByteOffsets]), chunk)).rejects.toThrow(message);
  });
});

import type { StoredBatchItem } from '../../adapters/batch-items';
import { BATCH_CHUNK_ITEMS, type Batch } from '../../domain/batches/batch';

/**
 * The accepted batch's items as ONE object (issue 13): POST /batches stores the validated items as
 * JSON lines in sender_item_id order (shared/batch-uploads.ts `batchItemsObjectKey`) and the batch
 * record keeps the byte offset where each chunk starts. process-batch then reads one chunk's byte
 * range — about 100 lines, whatever the batch's size — and writes that chunk's item records. The
 * API call writes O(1) records however many items it accepts, and no reader ever holds the file.
 */
export interface BatchItemObjectsPort {
  put(key: string, body: Uint8Array): Promise<void>;
  /** Bytes [startByte, endByteExclusive) of the object, streamed. */
  readRange(key: string, startByte: number, endByteExclusive: number): Promise<AsyncIterable<Uint8Array>>;
}

export interface EncodedItemsObject {
  readonly body: Buffer;
  /** chunkCount + 1 offsets: chunk k is bytes [offsets[k], offsets[k + 1]). */
  readonly chunkByteOffsets: readonly number[];
}

/** The items (already in sender_item_id order, chunk numbers set) as JSON lines, with each chunk's offset. */
export function encodeItemsObject(items: Iterable<StoredBatchItem>): EncodedItemsObject {
  const lines: Buffer[] = [];
  const offsets: number[] = [];
  let bytes = 0;
  let position = 0;
  for (const item of items) {
    if (position % BATCH_CHUNK_ITEMS === 0) offsets.push(bytes);
    const line = Buffer.from(`${JSON.stringify(item)}\n`, 'utf8');
    lines.push(line);
    bytes += line.byteLength;
    position += 1;
  }
  offsets.push(bytes);
  return { body: Buffer.concat(lines, bytes), chunkByteOffsets: offsets };
}

export class BatchItemsObjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchItemsObjectError';
  }
}

/** The items of one chunk, read from its byte range a line at a time (a chunk is at most BATCH_CHUNK_ITEMS). */
export async function* chunkItemsFromObject(
  objects: Pick<BatchItemObjectsPort, 'readRange'>,
  batch: Pick<Batch, 'batchId' | 'itemsObjectKey' | 'chunkByteOffsets'>,
  chunk: number,
): AsyncGenerator<StoredBatchItem> {
  const { itemsObjectKey: key, chunkByteOffsets: offsets } = batch;
  if (key === undefined || offsets === undefined || offsets[chunk + 1] === undefined)
    throw new BatchItemsObjectError(`batch ${batch.batchId} has no items object for chunk ${chunk}`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  for await (const bytes of await objects.readRange(key, offsets[chunk]!, offsets[chunk + 1]!)) {
    pending += decoder.decode(bytes, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      yield lineItem(batch.batchId, chunk, pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  // Every line ends in \n: a rest means the range or the object is not what the accept wrote.
  if (pending !== '') throw new BatchItemsObjectError(`batch ${batch.batchId} chunk ${chunk}: a truncated line`);
}

function lineItem(batchId: string, chunk: number, line: string): StoredBatchItem {
  const item = JSON.parse(line) as StoredBatchItem;
  if (item.batchId !== batchId || item.chunk !== chunk)
    throw new BatchItemsObjectError(`batch ${batchId} chunk ${chunk}: a line of another batch or chunk`);
  return item;
}

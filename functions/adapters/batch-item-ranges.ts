import { Readable } from 'node:stream';
import type { BatchItemObjectsPort } from '../app/batches/batch-items-object';
import type { GetObject } from './signed-get-object';

/**
 * process-batch's read of the accepted items object: one chunk's byte range, through the hand-signed GetObject
 * (signed-get-object.ts) rather than the S3 client. Since batch items pass the gates (issue 15), process-batch
 * carries the recipients and screening code as create-payout does; the S3 client's ~130 KB would take it past
 * the 700 KB bundle budget for one ranged read per chunk. batches-api, which puts the object, keeps
 * BatchItemObjects and the client.
 */
export class BatchItemRanges implements Pick<BatchItemObjectsPort, 'readRange'> {
  constructor(private readonly options: { readonly getObject: GetObject; readonly bucket: string }) {}

  /** An HTTP Range GET: only the chunk's bytes travel, streamed. */
  async readRange(key: string, startByte: number, endByteExclusive: number): Promise<AsyncIterable<Uint8Array>> {
    if (endByteExclusive <= startByte) return Readable.from([]);
    return this.options.getObject(this.options.bucket, key, { startByte, endByteExclusive });
  }
}

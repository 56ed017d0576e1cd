import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BatchItemObjectsPort } from '../app/batches/batch-items-object';

/**
 * The accepted batches' item objects in BATCH_UPLOADS_BUCKET (`batches/<tenant>/<batchId>.jsonl`,
 * shared/batch-uploads.ts). batches-api puts them; process-batch reads one chunk's byte range.
 */
export class BatchItemObjects implements BatchItemObjectsPort {
  constructor(private readonly options: { readonly client: S3Client; readonly bucket: string }) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/x-ndjson',
        ContentLength: body.byteLength,
      }),
    );
  }

  /** An HTTP Range GET (inclusive end): only the chunk's bytes travel, streamed. */
  async readRange(key: string, startByte: number, endByteExclusive: number): Promise<AsyncIterable<Uint8Array>> {
    if (endByteExclusive <= startByte) return Readable.from([]);
    const out = await this.options.client.send(
      new GetObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Range: `bytes=${startByte}-${endByteExclusive - 1}`,
      }),
    );
    if (!(out.Body instanceof Readable)) throw new Error(`GetObject ${key}: the body is not a Node stream`);
    return out.Body;
  }
}

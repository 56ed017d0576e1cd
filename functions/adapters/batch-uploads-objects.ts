import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadObjectsPort } from '../app/batch-uploads/read-upload';

/**
 * The uploaded batch files in BATCH_UPLOADS_BUCKET (`uploads/<tenant>/<upload_id>`).
 *
 * `presignClient` must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'`
 * (wiring/batch-uploads.ts): by default the SDK (3.729 and later) signs an
 * `x-amz-checksum-crc32` of the *empty* body into a presigned PutObject URL, and S3 then refuses
 * every real file with BadDigest. The twin's S3 does not check it, so a unit test holds the URL.
 */
export class BatchUploadObjects implements UploadObjectsPort {
  constructor(
    private readonly options: { readonly client: S3Client; readonly presignClient: S3Client; readonly bucket: string },
  ) {}

  /** Content-Length is a signed header: S3 answers 403 to a PUT of any other size. */
  async presignPut(key: string, contentLengthBytes: number, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.options.presignClient,
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, ContentLength: contentLengthBytes }),
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-length']) },
    );
  }

  async head(key: string): Promise<{ bytes: number } | undefined> {
    try {
      const out = await this.options.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { bytes: out.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The body as a stream: the reader pulls a chunk at a time, so the file is never in memory whole. */
  async open(key: string): Promise<AsyncIterable<Uint8Array>> {
    const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    if (!(out.Body instanceof Readable)) throw new Error(`GetObject ${key}: the body is not a Node stream`);
    return out.Body;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

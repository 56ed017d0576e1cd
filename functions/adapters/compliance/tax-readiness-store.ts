import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * The readiness CSV in EXPORTS_BUCKET (key: app/compliance/tax-readiness-export.ts taxReadinessKey),
 * and the presigned GET finance downloads it with, like the nightly exports (export-store.ts). A file
 * per request, never overwritten: finance keeps the exact file it filed from, while the totals still
 * move (late reversals, forms captured) until the year is closed.
 */
export class TaxReadinessStore {
  constructor(private readonly options: { client: S3Client; exportsBucket: string }) {}

  async put(key: string, csv: string): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.exportsBucket,
        Key: key,
        Body: csv,
        ContentType: 'text/csv; charset=utf-8',
      }),
    );
  }

  async presign(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.options.client, new GetObjectCommand({ Bucket: this.options.exportsBucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}

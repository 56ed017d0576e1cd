import { createReadStream, statSync } from 'node:fs';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * S3 layout (docs/finance.md):
 *   EVIDENCE_BUCKET  provider-reports/<provider>/date=YYYY-MM-DD/settlement.csv   what the engine read, versioned
 *                    provider-reports/<provider>/date=YYYY-MM-DD/<raw name>        the provider's own format
 *                    provider-deliveries/<provider>/date=YYYY-MM-DD/<raw name>     where a provider's report lands
 *   EXPORTS_BUCKET   exports/date=YYYY-MM-DD/{reconciliation.csv,exceptions.csv,summary.json,audit.jsonl,held-payouts.csv,manifest.json}
 *                    staging/date=YYYY-MM-DD/run=<runId>/…                         a run's files before publication
 *
 * Publication replaces an export as a whole: files are uploaded under the run's staging prefix
 * first (a failure there leaves the published export untouched); then the published manifest is
 * deleted (readers treat "no manifest" as "not ready"), the files are copied over, stale keys are
 * removed, and the new manifest is written last.
 */
export const exportPrefix = (date: string): string => `exports/date=${date}/`;
export const stagingPrefix = (date: string, runId: string): string => `staging/date=${date}/run=${runId}/`;
export const evidenceKey = (provider: string, date: string): string =>
  providerReportKey(provider, date, 'settlement.csv');
/** A file of a provider's report for a day: its raw bytes under their own name, the engine's copy as settlement.csv. */
export const providerReportKey = (provider: string, date: string, fileName: string): string =>
  `provider-reports/${provider}/date=${date}/${fileName}`;
export const MANIFEST_NAME = 'manifest.json';
/** The day's audit trail, one canonical JSON record a line (docs/audit.md, docs/finance.md). */
export const AUDIT_EXPORT_NAME = 'audit.jsonl';
/** The payouts held before funds move at the end of the day (issue 15; domain/reconciliation/held-payouts.ts). */
export const HELD_PAYOUTS_EXPORT_NAME = 'held-payouts.csv';

export interface LocalFile {
  readonly name: string;
  readonly path: string;
  readonly contentType: string;
}

/** What a run needs to land evidence and publish: a port, so the simulation (test/sim/) can keep files in memory. */
export interface ExportPublisher {
  putEvidence(key: string, path: string): Promise<{ key: string; etag: string; versionId?: string }>;
  stage(date: string, runId: string, files: readonly LocalFile[]): Promise<void>;
  publish(date: string, runId: string, files: readonly LocalFile[], manifestJson: string): Promise<void>;
}

export class ExportStore implements ExportPublisher {
  constructor(private readonly options: { client: S3Client; evidenceBucket: string; exportsBucket: string }) {}

  /** Lands the raw provider report as evidence; returns its key and ETag for the manifest. */
  async putEvidence(key: string, path: string): Promise<{ key: string; etag: string; versionId?: string }> {
    const out = await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.evidenceBucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: statSync(path).size,
        ContentType: 'text/csv; charset=utf-8',
      }),
    );
    return { key, etag: out.ETag ?? '', ...(out.VersionId === undefined ? {} : { versionId: out.VersionId }) };
  }

  async stage(date: string, runId: string, files: readonly LocalFile[]): Promise<void> {
    for (const file of files) {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.exportsBucket,
          Key: `${stagingPrefix(date, runId)}${file.name}`,
          Body: createReadStream(file.path),
          ContentLength: statSync(file.path).size,
          ContentType: file.contentType,
        }),
      );
    }
  }

  async publish(date: string, runId: string, files: readonly LocalFile[], manifestJson: string): Promise<void> {
    const bucket = this.options.exportsBucket;
    const target = exportPrefix(date);
    await this.options.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${target}${MANIFEST_NAME}` }));
    for (const file of files) {
      await this.options.client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: `${target}${file.name}`,
          CopySource: `${bucket}/${stagingPrefix(date, runId)}${file.name}`,
          ContentType: file.contentType,
          MetadataDirective: 'REPLACE',
        }),
      );
    }
    const keep = new Set([...files.map((f) => `${target}${f.name}`), `${target}${MANIFEST_NAME}`]);
    for (const key of await this.keys(target))
      if (!keep.has(key)) await this.options.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${target}${MANIFEST_NAME}`,
        Body: manifestJson,
        ContentType: 'application/json',
      }),
    );
    for (const key of await this.keys(stagingPrefix(date, runId)))
      await this.options.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async readManifest(date: string): Promise<string | undefined> {
    try {
      const out = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.exportsBucket, Key: `${exportPrefix(date)}${MANIFEST_NAME}` }),
      );
      return await out.Body?.transformToString('utf-8');
    } catch (error) {
      if (
        (error as { name?: string }).name === 'NoSuchKey' ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        return undefined;
      throw error;
    }
  }

  async readExportFile(date: string, name: string): Promise<Buffer> {
    const out = await this.options.client.send(
      new GetObjectCommand({ Bucket: this.options.exportsBucket, Key: `${exportPrefix(date)}${name}` }),
    );
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  /** The API decides how long a link lives (and states it: GET /exports/{date}'s expires_in_seconds). */
  async presign(date: string, name: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.options.client,
      new GetObjectCommand({ Bucket: this.options.exportsBucket, Key: `${exportPrefix(date)}${name}` }),
      { expiresIn: expiresInSeconds },
    );
  }

  private async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.exportsBucket,
          Prefix: prefix,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }
}

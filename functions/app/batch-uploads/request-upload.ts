import { uploadObjectKey, UPLOAD_RETENTION_DAYS } from '../../shared/batch-uploads';
import type { UploadRecord } from './read-upload';
import { UPLOAD_URL_SECONDS, type UploadFormat } from '../../domain/batch-upload-limits';

const SECONDS_PER_DAY = 86_400;

export interface UploadRequestsDependencies {
  readonly records: { create(record: UploadRecord, expiresAtEpochSeconds: number): Promise<void> };
  readonly objects: {
    presignPut(key: string, contentLengthBytes: number, expiresInSeconds: number): Promise<string>;
  };
  readonly now: () => Date;
  readonly newUploadId: () => string;
}

export interface RequestedUpload {
  readonly record: UploadRecord;
  readonly uploadUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Records the upload first, then presigns: an id is the tenant's from the moment it is handed out,
 * and a failure after the record leaves an upload that reads as "never PUT" and expires with its
 * TTL, never a URL whose upload nobody owns. The signature covers Content-Length, so S3 refuses a
 * file of any other size; the URL lives UPLOAD_URL_SECONDS. The record outlives the URL by
 * UPLOAD_RETENTION_DAYS, like the file (the bucket's lifecycle rule).
 */
export async function requestUpload(
  deps: UploadRequestsDependencies,
  input: { readonly tenantId: string; readonly format: UploadFormat; readonly contentLengthBytes: number },
): Promise<RequestedUpload> {
  const now = deps.now();
  const uploadId = deps.newUploadId();
  const record: UploadRecord = {
    tenantId: input.tenantId,
    uploadId,
    format: input.format,
    bytesMax: input.contentLengthBytes,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1_000).toISOString(),
  };
  await deps.records.create(record, Math.floor(now.getTime() / 1_000) + UPLOAD_RETENTION_DAYS * SECONDS_PER_DAY);
  const key = uploadObjectKey(input.tenantId, uploadId);
  const uploadUrl = await deps.objects.presignPut(key, input.contentLengthBytes, UPLOAD_URL_SECONDS);
  return { record, uploadUrl, headers: { 'content-length': String(input.contentLengthBytes) } };
}

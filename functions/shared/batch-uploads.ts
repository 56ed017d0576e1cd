// Names the batch-upload runtime and the CDK stack must agree on (lib/ may import functions/shared only).

/**
 * Days an uploaded batch file and its upload record are kept: the uploads bucket's lifecycle rule
 * and the record's TTL. A file holds recipients' bank details, so it is kept only as long as a
 * client may still submit it (or resubmit it after a 5xx) with `POST /batches { upload_id }`; once
 * the batch is accepted its items live in DynamoDB and the file is no longer the record.
 */
export const UPLOAD_RETENTION_DAYS = 7;

/** Key prefix of every uploaded file: `uploads/<tenant>/<upload_id>` (the grants name this prefix). */
export const UPLOAD_KEY_PREFIX = 'uploads/';

export function uploadObjectKey(tenantId: string, uploadId: string): string {
  return `${UPLOAD_KEY_PREFIX}${tenantId}/${uploadId}`;
}

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

/**
 * The accepted batch's validated items, one JSON line each in sender_item_id order (issue 13):
 * `batches/<tenant>/<batchId>.jsonl`. POST /batches writes this one object instead of 15,000 item
 * records; process-batch reads one chunk's byte range of it and materialises that chunk's records.
 * A function of (tenant, batch id), so an accept that takes a crashed writer's claim over rewrites
 * the same object with the same bytes.
 */
export const BATCH_ITEMS_KEY_PREFIX = 'batches/';

/**
 * Days the items object is kept: it is needed until every chunk is materialised (minutes after
 * the approval, which may itself wait), and a chunk parked in BatchDlq must still find it on redrive.
 */
export const BATCH_ITEMS_RETENTION_DAYS = 30;

export function batchItemsObjectKey(tenantId: string, batchId: string): string {
  return `${BATCH_ITEMS_KEY_PREFIX}${tenantId}/${batchId}.jsonl`;
}

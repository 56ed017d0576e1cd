import { ApiError } from '../../http/api-error';

/** How long a client waits before retrying a batch whose first request is still writing its items. */
export const BATCH_IN_PROGRESS_RETRY_AFTER_SECONDS = 5;

export const batchPath = (batchId: string): string => `/batches/${batchId}`;

/** Same sender_batch_id within its window, other content: TigerBeetle's "exists with different …". */
export function batchIdReused(senderBatchId: string, batchId: string): ApiError {
  return new ApiError({
    status: 409,
    type: 'conflict_error',
    code: 'batch_id_reused',
    category: 'terminal',
    message:
      `sender_batch_id ${senderBatchId} names batch ${batchId} with different content for 30 days after ` +
      'its acceptance; send the same content to read it back, or use a new sender_batch_id',
    param: 'sender_batch_id',
    details: { batch_id: batchId, batch_url: batchPath(batchId) },
  });
}

export function batchInProgress(batchId: string): ApiError {
  return new ApiError({
    status: 409,
    type: 'conflict_error',
    code: 'batch_in_progress',
    category: 'retryable',
    message: 'a request with this sender_batch_id is still writing its items; retry after the Retry-After delay',
    param: 'sender_batch_id',
    details: { batch_id: batchId, batch_url: batchPath(batchId) },
    headers: { 'retry-after': String(BATCH_IN_PROGRESS_RETRY_AFTER_SECONDS) },
  });
}

/** The twin's stand-in until the upload half of issue 13 is merged: every upload id is unknown. */
export function uploadNotFound(uploadId: string): ApiError {
  return new ApiError({
    status: 404,
    type: 'not_found_error',
    code: 'upload_not_found',
    category: 'terminal',
    message: `upload ${uploadId} not found: create one with POST /batches/uploads and PUT the file first`,
    param: 'upload_id',
  });
}

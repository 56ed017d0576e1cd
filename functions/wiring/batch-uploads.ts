import { S3Client } from '@aws-sdk/client-s3';
import { ulid } from 'ulidx';
import { dynamoDocumentClient, requiredEnv, s3Client } from '../adapters/aws-clients';
import { BatchUploadObjects } from '../adapters/batch-uploads-objects';
import { BatchUploadRecords } from '../adapters/batch-uploads-records';
import type { BatchUploadsApiDependencies } from '../app/batch-uploads/batch-uploads-api';
import { BatchUploadReader } from '../app/batch-uploads/read-upload';
import type { BatchItemsSource, RawBatchItem } from '../app/batches/batch-items-source';
import { BatchUploadError } from '../domain/batch-upload-errors';
import { batchUploadApiError } from '../http/batch-upload-requests';
import { ENV } from '../shared/names';

/**
 * Composition root of batch uploads: `batch-uploads` (POST /batches/uploads) and, for the batch
 * core, `batchItemsSource()` (POST /batches { upload_id }): the reader needs BATCH_UPLOADS_BUCKET,
 * OPERATIONS_TABLE, s3:GetObject on `uploads/*` and dynamodb:GetItem (lib/batch-uploads-construct.ts
 * grants both with `grantRead`).
 */
function uploadObjects(): BatchUploadObjects {
  return new BatchUploadObjects({
    client: s3Client(),
    // adapters/batch-uploads-objects.ts says why presigning needs its own checksum setting.
    presignClient: new S3Client({
      forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    bucket: requiredEnv(ENV.batchUploadsBucket),
  });
}

export function batchUploadsApiDependencies(): BatchUploadsApiDependencies {
  return {
    records: new BatchUploadRecords(dynamoDocumentClient(), requiredEnv(ENV.operationsTable)),
    objects: uploadObjects(),
    now: () => new Date(),
    newUploadId: () => `up_${ulid()}`,
  };
}

export function batchItemsSource(): BatchItemsSource {
  return new BatchUploadReader({
    records: new BatchUploadRecords(dynamoDocumentClient(), requiredEnv(ENV.operationsTable)),
    objects: uploadObjects(),
  });
}

/**
 * The same source for POST /batches: an upload's refusal (not found, never PUT, too large,
 * malformed at a row…) answers as POST /batches/uploads answers it, with its own status and
 * `details.row_index`, instead of the edge's generic 422 for a DomainError.
 */
export function batchItemsSourceForApi(source: BatchItemsSource = batchItemsSource()): BatchItemsSource {
  return { readUpload: (input) => refusalsAsApiErrors(source.readUpload(input)) };
}

async function* refusalsAsApiErrors(items: AsyncIterable<RawBatchItem>): AsyncIterable<RawBatchItem> {
  try {
    yield* items;
  } catch (error) {
    if (error instanceof BatchUploadError) throw batchUploadApiError(error);
    throw error;
  }
}

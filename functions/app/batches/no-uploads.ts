import type { BatchItemsSource } from './batch-items-source';
import { uploadNotFound } from './batch-errors';

/**
 * The items source until the upload half of issue 13 (POST /batches/uploads, the CSV/JSONL reader)
 * is merged: no upload exists, so every `upload_id` answers 404 upload_not_found, nothing written.
 */
export const noUploads: BatchItemsSource = {
  readUpload: ({ uploadId }) => ({
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(uploadNotFound(uploadId)),
    }),
  }),
};

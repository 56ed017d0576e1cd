import type { BatchItemsSource } from '../../functions/app/batches/batch-items-source';
import { uploadNotFound } from '../../functions/app/batches/batch-errors';

/**
 * A stand-in items source for tests of the batch core alone: no upload exists, so every
 * `upload_id` answers 404 upload_not_found (the real reader: functions/wiring/batch-uploads.ts).
 */
export const noUploads: BatchItemsSource = {
  readUpload: ({ uploadId }) => ({
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(uploadNotFound(uploadId)),
    }),
  }),
};

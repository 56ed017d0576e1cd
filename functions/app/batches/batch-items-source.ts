// The seam between the two ways a batch's items arrive (issue 13): inline in `POST /batches`
// (`items`) or as an uploaded CSV/JSONL file (`upload_id`). Both yield raw records with the JSON
// item's field names; the batch use case validates each one with the same item schema, so a file
// and a body can never disagree on what an item is. An async iterable, so a 15,000-row file is
// read a row at a time and the function's memory stays flat in the item count.

/** One raw item as it arrived, before validation: `index` is 0-based (body array index or data row). */
export interface RawBatchItem {
  readonly index: number;
  readonly record: Readonly<Record<string, unknown>>;
}

/** Where an upload-backed batch reads its items; implemented by the upload adapter. */
export interface BatchItemsSource {
  /**
   * The upload's records in file order. Throws a BatchUploadError (functions/app/batch-uploads)
   * when the upload is unknown, never PUT, over its size limit, or malformed (with the row index).
   */
  readUpload(input: { readonly tenantId: string; readonly uploadId: string }): AsyncIterable<RawBatchItem>;
}

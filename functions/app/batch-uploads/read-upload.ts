import { assertNever } from '../../domain/assert-never';
import { uploadObjectKey } from '../../shared/batch-uploads';
import type { BatchItemsSource, RawBatchItem } from '../batches/batch-items-source';
import { decodeUtf8Chunks } from './decode-text';
import {
  UploadEmptyError,
  UploadNotFoundError,
  UploadNotUploadedError,
  UploadRowsOverLimitError,
  UploadTooLargeError,
} from '../../domain/batch-upload-errors';
import { UPLOAD_ROWS_MAX, type UploadFormat } from '../../domain/batch-upload-limits';
import { parseCsvRecords } from './parse-csv';
import { parseJsonlRecords } from './parse-jsonl';

/** What POST /batches/uploads recorded: the upload is the tenant's, in this format, at most this large. */
export interface UploadRecord {
  readonly tenantId: string;
  readonly uploadId: string;
  readonly format: UploadFormat;
  readonly bytesMax: number;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface UploadRecordsPort {
  /** The tenant's upload; another tenant's id is undefined (the key holds the tenant). */
  get(tenantId: string, uploadId: string): Promise<UploadRecord | undefined>;
}

export interface UploadObjectsPort {
  /** The object's size, or undefined when nothing was PUT under the key. */
  head(key: string): Promise<{ readonly bytes: number } | undefined>;
  /** The object's bytes as a stream (never buffered whole). */
  open(key: string): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * BatchItemsSource over uploaded files (the seam of app/batches/batch-items-source.ts). Refusals
 * come in this order: unknown upload (or another tenant's), never PUT, over its size limit, then
 * while reading — not UTF-8, malformed (with the row index), more than UPLOAD_ROWS_MAX rows, no
 * rows at all. The last three can only be known while reading, after earlier rows were yielded:
 * a caller that must write nothing for a bad file reads the whole stream before it writes.
 */
export class BatchUploadReader implements BatchItemsSource {
  constructor(
    private readonly deps: {
      readonly records: UploadRecordsPort;
      readonly objects: UploadObjectsPort;
      readonly rowsMax?: number;
    },
  ) {}

  readUpload(input: { readonly tenantId: string; readonly uploadId: string }): AsyncIterable<RawBatchItem> {
    return this.rows(input.tenantId, input.uploadId);
  }

  private async *rows(tenantId: string, uploadId: string): AsyncGenerator<RawBatchItem> {
    const record = await this.deps.records.get(tenantId, uploadId);
    if (record === undefined) throw new UploadNotFoundError(uploadId);
    const key = uploadObjectKey(tenantId, uploadId);
    const head = await this.deps.objects.head(key);
    if (head === undefined) throw new UploadNotUploadedError(uploadId);
    if (head.bytes > record.bytesMax) throw new UploadTooLargeError(uploadId, head.bytes, record.bytesMax);
    const text = decodeUtf8Chunks(await this.deps.objects.open(key), { uploadId, bytesMax: record.bytesMax });
    const rowsMax = this.deps.rowsMax ?? UPLOAD_ROWS_MAX;
    let rows = 0;
    for await (const item of parserOf(record.format)(text)) {
      if (item.index >= rowsMax) throw new UploadRowsOverLimitError(item.index, rowsMax);
      rows += 1;
      yield item;
    }
    if (rows === 0) throw new UploadEmptyError(uploadId);
  }
}

function parserOf(format: UploadFormat): (text: AsyncIterable<string>) => AsyncGenerator<RawBatchItem> {
  switch (format) {
    case 'csv':
      return parseCsvRecords;
    case 'jsonl':
      return parseJsonlRecords;
    default:
      return assertNever(format, 'upload format');
  }
}

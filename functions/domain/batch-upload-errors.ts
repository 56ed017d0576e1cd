import { DomainError, type ErrorCategory } from './domain-error';

/**
 * The one error hierarchy of batch uploads: what readUpload (and POST /batches/uploads) refuse.
 * Each is a DomainError, so the HTTP edge's one catch maps it without string matching; `status`
 * says which HTTP answer fits (http/batch-upload-errors.ts) and `rowIndex` names the 0-based data
 * row (the CSV header is not a row) when the problem is in one.
 */
export const BATCH_UPLOAD_ERROR_CODES = [
  'upload_not_found',
  'upload_not_uploaded',
  'upload_too_large',
  'upload_malformed',
  'upload_empty',
  'upload_rows_over_limit',
] as const;
export type BatchUploadErrorCode = (typeof BATCH_UPLOAD_ERROR_CODES)[number];

export class BatchUploadError extends DomainError {
  declare readonly code: BatchUploadErrorCode;
  readonly status: 400 | 404 | 409 | 413;
  readonly rowIndex?: number;

  constructor(
    code: BatchUploadErrorCode,
    init: {
      status: 400 | 404 | 409 | 413;
      category: ErrorCategory;
      message: string;
      rowIndex?: number;
      param?: string;
      cause?: unknown;
    },
  ) {
    super(code, init.category, init.message, {
      ...(init.param === undefined ? {} : { param: init.param }),
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
    this.name = 'BatchUploadError';
    this.status = init.status;
    if (init.rowIndex !== undefined) this.rowIndex = init.rowIndex;
  }
}

/** No upload with this id for this tenant: another tenant's id reads the same, so ids leak nothing. */
export class UploadNotFoundError extends BatchUploadError {
  constructor(uploadId: string) {
    super('upload_not_found', {
      status: 404,
      category: 'terminal',
      message: `upload ${uploadId} not found`,
      param: 'upload_id',
    });
    this.name = 'UploadNotFoundError';
  }
}

/** The upload was requested but no file was PUT to its URL (yet): upload it, then submit again. */
export class UploadNotUploadedError extends BatchUploadError {
  constructor(uploadId: string) {
    super('upload_not_uploaded', {
      status: 409,
      category: 'human_action_required',
      message: `upload ${uploadId} has no file yet: PUT the file to its upload_url, then submit the batch`,
      param: 'upload_id',
    });
    this.name = 'UploadNotUploadedError';
  }
}

export class UploadTooLargeError extends BatchUploadError {
  constructor(uploadId: string, bytes: number, bytesMax: number) {
    super('upload_too_large', {
      status: 413,
      category: 'terminal',
      message: `upload ${uploadId} holds ${bytes} bytes, over its limit of ${bytesMax}: split the batch`,
      param: 'upload_id',
    });
    this.name = 'UploadTooLargeError';
  }
}

/** The file is not the format it was declared as: bad quoting, a truncated row, a non-JSON line, bad columns. */
export class UploadMalformedError extends BatchUploadError {
  constructor(message: string, options: { rowIndex?: number; param?: string; cause?: unknown } = {}) {
    super('upload_malformed', { status: 400, category: 'terminal', message, ...options });
    this.name = 'UploadMalformedError';
  }
}

export class UploadEmptyError extends BatchUploadError {
  constructor(uploadId: string) {
    super('upload_empty', {
      status: 400,
      category: 'terminal',
      message: `upload ${uploadId} has no data rows: a batch needs at least one item`,
      param: 'upload_id',
    });
    this.name = 'UploadEmptyError';
  }
}

export class UploadRowsOverLimitError extends BatchUploadError {
  constructor(rowIndex: number, rowsMax: number) {
    super('upload_rows_over_limit', {
      status: 400,
      category: 'terminal',
      message: `the file has more than ${rowsMax} data rows (row ${rowIndex} is over): split the batch`,
      rowIndex,
    });
    this.name = 'UploadRowsOverLimitError';
  }
}

import { BATCH_ITEMS_MAX } from './batches/batch-limits';

// The limits of a batch upload, each named with its unit (docs/batch-uploads.md explains the numbers).

/** Data rows one file may hold: the batch maximum of POST /batches (PayPal Payouts' 15,000 per call). */
export const UPLOAD_ROWS_MAX = BATCH_ITEMS_MAX;

/**
 * Largest file, in bytes, signed into the presigned PUT (S3 refuses any other length) and checked
 * again before reading. 10 MiB: a 15,000-row CSV of full rows (IBAN, name, e-mail, a 100-character
 * description, three metadata pairs) measures 3.6 MB and its JSONL 6.4 MB (`npm run bench --
 * batch-upload` prints both), so the limit leaves 2.9x room for CSV and 1.6x for JSONL. Rows with every
 * field at its maximum (20 metadata values of 500 characters) would not fit at 15,000; such a
 * batch is split. It is also below the twin's S3 (fauxqs) body limit of 11 MiB, so the limit the
 * cloud enforces is the limit the twin can exercise.
 */
export const UPLOAD_BYTES_MAX = 10 * 1024 * 1024;

/** Lifetime of a presigned upload URL, in seconds: long enough for a slow 10 MiB PUT, short for a leaked link. */
export const UPLOAD_URL_SECONDS = 900;

/**
 * Longest single row, in characters: far above any valid item (about 12 KB with every field at its
 * maximum) and far below the file limit, so one unterminated quote cannot make the parser hold the
 * whole file as one field.
 */
export const UPLOAD_ROW_CHARS_MAX = 64 * 1024;

/** Nesting depth of one JSONL record: the API's body depth (an item is an object of objects). */
export const UPLOAD_JSON_DEPTH_MAX = 8;

export const UPLOAD_FORMATS = ['csv', 'jsonl'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

import * as z from 'zod';
import { UPLOAD_BYTES_MAX, UPLOAD_FORMATS, UPLOAD_URL_SECONDS } from '../domain/batch-upload-limits';
import { BatchUploadError } from '../domain/batch-upload-errors';
import { ApiError } from './api-error';
import { requestErrorOf } from './request-errors';

/**
 * POST /batches/uploads (docs/batch-uploads.md): the body names the file's format and its exact
 * size in bytes; the answer is a presigned S3 PUT whose signature covers that Content-Length, so
 * S3 itself refuses a file of any other size, and the size is checked again before reading.
 */
export const requestUploadBodySchema = z
  .object({
    format: z
      .enum(UPLOAD_FORMATS, { error: 'format_invalid' })
      .describe('csv (columns: docs/batch-uploads.md) or jsonl'),
    content_length: z
      .number({ error: 'content_length_invalid' })
      .int({ error: 'content_length_invalid' })
      .min(1, { error: 'content_length_invalid' })
      .describe(`The file's exact size in bytes, 1 to ${UPLOAD_BYTES_MAX}; larger is refused with 413`),
  })
  .strict();
export type RequestUploadBody = z.infer<typeof requestUploadBodySchema>;

const MESSAGES: Record<string, () => string> = {
  format_invalid: () => `format must be one of ${UPLOAD_FORMATS.join(', ')}`,
  content_length_invalid: () => `content_length must be an integer number of bytes, 1 to ${UPLOAD_BYTES_MAX}`,
};

export function parseRequestUploadBody(body: Record<string, unknown>): RequestUploadBody {
  const result = requestUploadBodySchema.safeParse(body);
  if (!result.success) throw requestErrorOf(result.error.issues, body, { kind: 'body', messages: MESSAGES });
  if (result.data.content_length > UPLOAD_BYTES_MAX)
    throw new ApiError({
      status: 413,
      type: 'invalid_request_error',
      code: 'upload_too_large',
      category: 'terminal',
      message: `content_length ${result.data.content_length} is over the upload limit of ${UPLOAD_BYTES_MAX} bytes: split the batch`,
      param: 'content_length',
    });
  return result.data;
}

export const UPLOAD_ID_PATTERN = /^up_[0-9A-HJKMNP-TV-Z]{26}$/;

export const uploadViewSchema = z.object({
  upload_id: z.string().regex(UPLOAD_ID_PATTERN).describe('Pass it to POST /batches { sender_batch_id, upload_id }'),
  format: z.enum(UPLOAD_FORMATS),
  upload_url: z.string().describe(`Presigned S3 URL, valid ${UPLOAD_URL_SECONDS} s`),
  method: z.literal('PUT'),
  headers: z
    .record(z.string(), z.string())
    .describe('Send exactly these headers with the PUT (the signature covers Content-Length)'),
  expires_at: z.iso.datetime().describe('The URL stops working at this time'),
  max_bytes: z.number().int().describe('The signed size: the file must be exactly this many bytes'),
  created_at: z.iso.datetime(),
});
export type UploadView = z.infer<typeof uploadViewSchema>;

/**
 * A reader's refusal as the HTTP answer (for POST /batches { upload_id }): its own status, code and
 * category, the row index as a detail so a finance team can find the line.
 */
export function batchUploadApiError(error: BatchUploadError): ApiError {
  return new ApiError({
    status: error.status,
    type: error.status === 404 ? 'not_found_error' : error.status === 409 ? 'conflict_error' : 'invalid_request_error',
    code: error.code,
    category: error.category,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
    ...(error.rowIndex === undefined ? {} : { details: { row_index: error.rowIndex } }),
    cause: error,
  });
}

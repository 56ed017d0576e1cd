import { UPLOAD_BYTES_MAX, UPLOAD_ROWS_MAX, UPLOAD_URL_SECONDS } from '../../domain/batch-upload-limits';
import { UPLOAD_RETENTION_DAYS } from '../../shared/batch-uploads';
import { requestUploadBodySchema, uploadViewSchema } from '../batch-upload-requests';
import { OPS_BODY_BYTES_MAX } from '../http-limits';
import { noQuerySchema } from '../query-parameters';
import { TENANT_403, type OpenApiRoute } from './route-types';

/** Batch files (batch-uploads, docs/batch-uploads.md) for GET /openapi.json; openapi-routes.ts lists them. */
export const BATCH_UPLOAD_ROUTES: OpenApiRoute[] = [
  {
    method: 'post',
    path: '/batches/uploads',
    functionName: 'batch-uploads',
    scope: 'batches:write',
    operationId: 'requestBatchUpload',
    summary: 'A presigned upload URL for a batch file (CSV or JSONL)',
    description:
      `For batches too large for a JSON body (a synchronous Lambda takes at most 6 MB). PUT the file, exactly ` +
      `content_length bytes (at most ${UPLOAD_BYTES_MAX}, ${UPLOAD_ROWS_MAX} rows), to upload_url with the ` +
      `returned headers within ${UPLOAD_URL_SECONDS} s (S3 refuses another size), then POST /batches ` +
      `{ sender_batch_id, upload_id }. The file and its record are deleted after ${UPLOAD_RETENTION_DAYS} days. ` +
      'CSV columns and JSONL records: docs/batch-uploads.md. No Idempotency-Key: a retry mints another ' +
      'upload id, which moves no money and expires unused.',
    tags: ['payouts'],
    query: noQuerySchema,
    requestBody: {
      schema: requestUploadBodySchema,
      required: true,
      bodyBytesMax: OPS_BODY_BYTES_MAX,
      examples: { csv: { format: 'csv', content_length: 2_457_600 } },
    },
    responses: { 201: { description: 'The upload id and its presigned PUT', schema: uploadViewSchema } },
    errors: {
      400: 'format_invalid, content_length_invalid, field_missing, field_unknown',
      403: `${TENANT_403}; insufficient_scope: the handler checks batches:write again`,
      413: `upload_too_large: content_length over ${UPLOAD_BYTES_MAX} bytes`,
      415: 'content_type_unsupported: Content-Type must be application/json',
    },
  },
];

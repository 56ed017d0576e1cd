import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApiError, notFound } from '../../http/api-error';
import { uploadViewSchema, parseRequestUploadBody, type UploadView } from '../../http/batch-upload-requests';
import { parseJsonBody } from '../../http/body';
import { callerOf } from '../../http/claims';
import { OPS_BODY_BYTES_MAX } from '../../http/http-limits';
import { json, requestIdOf, type HttpResult } from '../../http/response';
import { requestUpload, type RequestedUpload, type UploadRequestsDependencies } from './request-upload';

/**
 * POST /batches/uploads (batches:write): a presigned S3 PUT for one CSV or JSONL file of a batch,
 * and the upload id that POST /batches { sender_batch_id, upload_id } reads it by. No file passes
 * through this function (API Gateway and Lambda would cap it at 6 MB; docs/batch-uploads.md).
 * No Idempotency-Key: a retried request only mints a second upload id, which moves no money and
 * expires unused. Refused before anything is written: a token without batches:write (403), a
 * Content-Type other than JSON (415), a body the strict parser refuses or an unknown field (400),
 * a format or size that is not one (400), a size over UPLOAD_BYTES_MAX (413, upload_too_large).
 */
export type BatchUploadsApiDependencies = UploadRequestsDependencies;

export async function batchUploadsApi(
  deps: BatchUploadsApiDependencies,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const requestId = requestIdOf(event);
  if (event.routeKey !== 'POST /batches/uploads') throw notFound(`route ${event.routeKey}`);
  const caller = callerOf(event);
  if (!caller.scopes.includes('batches:write'))
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'insufficient_scope',
      category: 'terminal',
      message: 'this action requires the batches:write scope',
    });
  const body = parseRequestUploadBody(parseJsonBody(event, { bytesMax: OPS_BODY_BYTES_MAX }));
  const upload = await requestUpload(deps, {
    tenantId: caller.tenantId,
    format: body.format,
    contentLengthBytes: body.content_length,
  });
  return json(201, uploadView(upload), requestId);
}

function uploadView(upload: RequestedUpload): UploadView {
  return uploadViewSchema.parse({
    upload_id: upload.record.uploadId,
    format: upload.record.format,
    upload_url: upload.uploadUrl,
    method: 'PUT',
    headers: upload.headers,
    expires_at: upload.record.expiresAt,
    max_bytes: upload.record.bytesMax,
    created_at: upload.record.createdAt,
  });
}

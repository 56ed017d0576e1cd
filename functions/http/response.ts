import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from './api-error';
import { internalError, type FailureSemantics } from './internal-error';

/**
 * Every response carries `Request-Id` (DESIGN §3). We use API Gateway's request id, or the
 * caller's `X-Request-Id` when it is well formed, so a platform team can correlate its own logs.
 */
const CALLER_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>): string {
  const fromCaller = event.headers?.['x-request-id'];
  if (fromCaller !== undefined && CALLER_REQUEST_ID_PATTERN.test(fromCaller)) return fromCaller;
  return event.requestContext.requestId;
}

export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string | number | boolean>;
  body: string;
};

export function json(
  statusCode: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'request-id': requestId, ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(error: ApiError, requestId: string): { error: Record<string, unknown> } {
  return {
    error: {
      type: error.type,
      code: error.code,
      category: error.category,
      message: error.message,
      ...(error.param === undefined ? {} : { param: error.param }),
      ...(error.details ?? {}),
      request_id: requestId,
    },
  };
}

export function errorResponse(error: ApiError, requestId: string): HttpResult {
  return json(error.status, errorBody(error, requestId), requestId, error.headers ?? {});
}

/** A failure no route mapped: its status, category and message by internal-error.ts's rule. */
export function internalErrorResponse(requestId: string, error: unknown, semantics: FailureSemantics): HttpResult {
  return errorResponse(internalError(error, semantics), requestId);
}

import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { DomainError } from '../domain/domain-error';
import { ApiError, fromDomainError } from '../handlers/http/api-error';
import { errorResponse, internalErrorResponse, requestIdOf, type HttpResult } from '../handlers/http/response';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * Wraps a route handler: every answer, errors included, carries Request-Id and the DESIGN §3 error
 * body. ApiErrors and DomainErrors are the caller's to act on; anything else is ours, logged with
 * its cause and answered 500 without details.
 */
export function httpHandler(route: (event: ApiEvent, requestId: string, context: Context) => Promise<HttpResult>) {
  return async (event: ApiEvent, context: Context): Promise<HttpResult> => {
    const requestId = requestIdOf(event);
    try {
      return await route(event, requestId, context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error, requestId);
      if (error instanceof DomainError) return errorResponse(fromDomainError(error), requestId);
      console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled error', requestId, error: describe(error) }));
      return internalErrorResponse(requestId);
    }
  };
}

export function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) };
  return { name: error.name, message: error.message, stack: error.stack, ...(error.cause === undefined ? {} : { cause: describe(error.cause) }) };
}

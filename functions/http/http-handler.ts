import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { DomainError } from '../domain/domain-error';
import { ApiError, fromDomainError } from './api-error';
import type { FailureSemantics } from './internal-error';
import { errorResponse, internalErrorResponse, requestIdOf, type HttpResult } from './response';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface HttpHandlerOptions {
  /**
   * What an unforeseen failure of a POST means (internal-error.ts). Default `operator_action`;
   * POST /payouts sets `idempotent_create`, the payout actions `idempotent_action`. A GET is always a `read`.
   */
  writes?: Extract<FailureSemantics, 'idempotent_create' | 'idempotent_action' | 'operator_action'>;
}

/**
 * Wraps a route handler; every HTTP entry of the API goes through it, so there is one catch.
 * Every answer, errors included, carries Request-Id and the DESIGN §3 error body. ApiErrors and
 * DomainErrors are the caller's to act on; anything else is ours, logged with its cause and
 * answered without details, its status and category by internal-error.ts's rule.
 */
export function httpHandler(
  route: (event: ApiEvent, requestId: string, context: Context) => Promise<HttpResult>,
  options: HttpHandlerOptions = {},
) {
  return async (event: ApiEvent, context: Context): Promise<HttpResult> => {
    const requestId = requestIdOf(event);
    try {
      return await route(event, requestId, context);
    } catch (error) {
      if (error instanceof ApiError) return errorResponse(error, requestId);
      if (error instanceof DomainError) return errorResponse(fromDomainError(error), requestId);
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: 'unhandled error',
          requestId,
          routeKey: event.routeKey,
          error: describe(error),
        }),
      );
      return internalErrorResponse(requestId, error, semanticsOf(event, options));
    }
  };
}

function semanticsOf(event: ApiEvent, options: HttpHandlerOptions): FailureSemantics {
  const method = event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0];
  return method === 'GET' || method === 'HEAD' ? 'read' : (options.writes ?? 'operator_action');
}

export function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: describe(error.cause) }),
  };
}

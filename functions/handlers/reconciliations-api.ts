import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApiError } from './http/api-error';
import { errorResponse, internalErrorResponse, requestIdOf, type HttpResult } from './http/response';
import { reconciliationsApi, type ReconciliationsApiDependencies } from './reconciliation/api';
import { reconciliationsApiDependencies } from './reconciliation/deps';

// Entry for `reconciliations-api` (docs/contracts.md); wiring only.

const logger = new Logger();
let deps: ReconciliationsApiDependencies | undefined;

export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> => {
  const requestId = requestIdOf(event);
  try {
    deps ??= reconciliationsApiDependencies();
    return await reconciliationsApi(deps, event);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, requestId);
    logger.error('reconciliations-api failed', { requestId, error: error as Error });
    return internalErrorResponse(requestId);
  }
};

import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { dynamoDocumentClient, requiredEnv } from '../adapters/aws-clients';
import { ExceptionsRepository } from '../adapters/exceptions-repository';
import { payoutExceptionOwnerUpdater } from '../adapters/payout-exception-owner';
import { ENV } from '../shared/names';
import { ApiError } from './http/api-error';
import { errorResponse, internalErrorResponse, requestIdOf, type HttpResult } from './http/response';
import { exceptionsApi, type ExceptionsApiDeps } from './ops/exceptions-api';

// Entry for the exceptions API (docs/ops-api.md); wiring only.

const logger = new Logger();
let deps: ExceptionsApiDeps | undefined;

function dependencies(): ExceptionsApiDeps {
  if (deps !== undefined) return deps;
  const client = dynamoDocumentClient();
  deps = {
    exceptions: new ExceptionsRepository(client, requiredEnv(ENV.operationsTable), { onPayoutOwnerChange: payoutExceptionOwnerUpdater(client, requiredEnv(ENV.payoutsTable)) }),
    nowMs: () => Date.now(),
  };
  return deps;
}

export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HttpResult> => {
  const requestId = requestIdOf(event);
  try {
    return await exceptionsApi(dependencies(), event);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error, requestId);
    logger.error('ops-exceptions failed', { requestId, error: error as Error });
    return internalErrorResponse(requestId);
  }
};

import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { HttpResult } from '../../http/response';
import { redriveApi, type RedriveApiDeps } from './redrive-api';
import { statusApi, type StatusApiDeps } from './status-api';

/**
 * The ops-redrive function's routes: the operator's DLQ, redrive and replay API, and the public
 * GET /status beside it (it reads the same queues). /status is matched first: it carries no JWT,
 * and redriveApi asks every call for its operator.
 */
export async function opsRedriveRoutes(
  deps: { redrive: RedriveApiDeps; status: StatusApiDeps },
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const route = `${event.requestContext.http.method} ${event.rawPath}`;
  return route === 'GET /status' ? statusApi(deps.status, event) : redriveApi(deps.redrive, event);
}

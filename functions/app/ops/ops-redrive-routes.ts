import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { HttpResult } from '../../http/response';
import { incidentsApi, isIncidentsRoute, type IncidentsApiDeps } from './incidents-api';
import { redriveApi, type RedriveApiDeps } from './redrive-api';
import { statusApi, statusHtmlApi, type StatusApiDeps } from './status-api';

/**
 * The ops-redrive function's routes: the operator's DLQ, redrive and replay API, and the public
 * GET /status beside it (it reads the same queues). /status is matched first: it carries no JWT,
 * and redriveApi asks every call for its operator. The status page's incidents are posted here too.
 */
export interface OpsRedriveDeps {
  redrive: RedriveApiDeps;
  status: StatusApiDeps;
  incidents: IncidentsApiDeps;
}

export async function opsRedriveRoutes(
  deps: OpsRedriveDeps,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<HttpResult> {
  const method = event.requestContext.http.method;
  const route = `${method} ${event.rawPath}`;
  if (route === 'GET /status') return statusApi(deps.status, event);
  if (route === 'GET /status.html') return statusHtmlApi(deps.status, event);
  if (isIncidentsRoute(method, event.rawPath)) return incidentsApi(deps.incidents, event);
  return redriveApi(deps.redrive, event);
}

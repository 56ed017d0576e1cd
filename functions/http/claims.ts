import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { TENANT_ID_PATTERN } from '../shared/access-matrix';
import { RESOURCE_SERVER_ID, TENANT_CLAIM, type Scope, SCOPES } from '../shared/names';
import { ApiError } from './api-error';
import {
  claimsOf,
  declaredPrincipalType,
  principalRoleOf,
  principalUnknown,
  scopesFor,
  tenantRouteForbiddenForOperator,
} from './principal';

/** The caller, as API Gateway's JWT authorizer vouched for it. */
export interface Caller {
  tenantId: string;
  clientId: string;
  /** Unqualified scopes (`payouts:write`), prefix stripped. */
  scopes: Scope[];
  subject: string;
  /** The tenant principal's role in the access matrix (`backend`, `approver`, `batch-operator`). */
  role: string;
}

export { TENANT_ID_PATTERN };

/**
 * The authorizer already checked signature, issuer, audience, expiry and the route's scopes; this
 * only reads what it vouched for. A token without a tenant cannot own payouts, so it is refused;
 * so is an operator's token, and one that names no tenant principal (principal.ts).
 */
export function callerOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = claimsOf(event);
  if (declaredPrincipalType(claims) === 'operator') throw tenantRouteForbiddenForOperator();
  const tenantId = claims[TENANT_CLAIM];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'tenant_missing',
      category: 'terminal',
      message: `the token carries no valid ${TENANT_CLAIM} claim`,
    });
  }
  const role = declaredPrincipalType(claims) === 'tenant' ? principalRoleOf(claims, 'tenant') : undefined;
  if (role === undefined) throw principalUnknown('tenant');
  const scopes = scopesFor(claims, 'tenant', role);
  const clientId = String(claims['client_id'] ?? claims['aud'] ?? '');
  const subject = String(claims['sub'] ?? clientId);
  return { tenantId, clientId, scopes, subject, role };
}

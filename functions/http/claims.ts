import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { RESOURCE_SERVER_ID, TENANT_CLAIM, type Scope, SCOPES } from '../shared/names';
import { ApiError } from './api-error';

/** The caller, as API Gateway's JWT authorizer vouched for it. */
export interface Caller {
  tenantId: string;
  clientId: string;
  /** Unqualified scopes (`payouts:write`), prefix stripped. */
  scopes: Scope[];
  subject: string;
}

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{1,62}$/;
const SCOPE_PREFIX = `${RESOURCE_SERVER_ID}/`;

/**
 * The authorizer already checked signature, issuer, audience, expiry and the route's scopes; this
 * only reads what it vouched for. A token without a tenant cannot own payouts, so it is refused.
 */
export function callerOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const tenantId = claims[TENANT_CLAIM];
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new ApiError({ status: 403, type: 'permission_error', code: 'tenant_missing', category: 'terminal', message: `the token carries no valid ${TENANT_CLAIM} claim` });
  }
  const rawScope = claims['scope'];
  const scopeList = typeof rawScope === 'string' ? rawScope.split(' ') : [];
  const scopes = scopeList
    .filter((s) => s.startsWith(SCOPE_PREFIX))
    .map((s) => s.slice(SCOPE_PREFIX.length))
    .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  const clientId = String(claims['client_id'] ?? claims['aud'] ?? '');
  const subject = String(claims['sub'] ?? clientId);
  return { tenantId, clientId, scopes, subject };
}

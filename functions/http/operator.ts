import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { RESOURCE_SERVER_ID, SCOPES, type Scope } from '../shared/names';
import { ApiError } from './api-error';

/**
 * The operator behind an ops call, for the audit trail. Ops acts across tenants, so unlike
 * `callerOf` no tenant claim is required. API Gateway already enforced the route's scope; we check
 * it again so a mis-wired route (or the twin without an authorizer) cannot widen access.
 */
export interface Operator {
  subject: string;
  clientId: string;
  scopes: Scope[];
}

const SCOPE_PREFIX = `${RESOURCE_SERVER_ID}/`;

export function operatorOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Operator {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const rawScope = claims['scope'];
  const scopes = (typeof rawScope === 'string' ? rawScope.split(' ') : [])
    .map((s) => (s.startsWith(SCOPE_PREFIX) ? s.slice(SCOPE_PREFIX.length) : s))
    .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
  const clientId = String(claims['client_id'] ?? claims['aud'] ?? 'unknown');
  const subject = String(claims['username'] ?? claims['sub'] ?? clientId);
  return { subject, clientId, scopes };
}

export function requireScope(operator: Operator, scope: Scope): void {
  if (!operator.scopes.includes(scope)) {
    throw new ApiError({ status: 403, type: 'permission_error', code: 'insufficient_scope', category: 'terminal', message: `this action requires the ${scope} scope` });
  }
}

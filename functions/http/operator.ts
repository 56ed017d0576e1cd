import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { RESOURCE_SERVER_ID, SCOPES, type Scope } from '../shared/names';
import type { AuditActor } from '../domain/audit';
import type { Actor } from '../domain/payout';
import { ApiError } from './api-error';
import {
  claimsOf,
  declaredPrincipalType,
  namesTenant,
  operatorRouteForbiddenForTenant,
  principalRoleOf,
  principalUnknown,
  scopesFor,
} from './principal';

/**
 * The operator behind an ops call, for the audit trail. Ops acts across tenants, so unlike
 * `callerOf` no tenant claim is required. API Gateway already enforced the route's scope; we check
 * it again so a mis-wired route (or the twin without an authorizer) cannot widen access. A tenant's
 * token is refused outright, before any scope is looked at (principal.ts).
 */
export interface Operator {
  subject: string;
  clientId: string;
  /** The token's scopes that the operator's role may hold (the access matrix). */
  scopes: Scope[];
  /** The operator's role in the access matrix (`ops`, `finance`, `compliance`). */
  role: string;
}

export function operatorOf(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Operator {
  const claims = claimsOf(event);
  if (declaredPrincipalType(claims) === 'tenant' || namesTenant(claims)) throw operatorRouteForbiddenForTenant();
  const role = declaredPrincipalType(claims) === 'operator' ? principalRoleOf(claims, 'operator') : undefined;
  if (role === undefined) throw principalUnknown('operator');
  const clientId = String(claims['client_id'] ?? claims['aud'] ?? 'unknown');
  const subject = String(claims['username'] ?? claims['sub'] ?? clientId);
  return { subject, clientId, scopes: scopesFor(claims, 'operator', role), role };
}

export function requireScope(operator: Operator, scope: Scope): void {
  if (!operator.scopes.includes(scope)) {
    throw new ApiError({
      status: 403,
      type: 'permission_error',
      code: 'insufficient_scope',
      category: 'terminal',
      message: `this action requires the ${scope} scope`,
    });
  }
}

/** The operator as the audit trail records it (domain/audit.ts): no tenant, the matrix role. */
export function operatorAuditActor(operator: Operator): AuditActor {
  return { type: 'operator', id: operator.subject, role: operator.role, tenant: null };
}

/** The operator as a payout transition or exception change names it (domain/payout.ts `Actor`). */
export function operatorActor(operator: Operator): Extract<Actor, { kind: 'operator' }> {
  return { kind: 'operator', id: operator.subject, role: operator.role, scopes: operator.scopes };
}

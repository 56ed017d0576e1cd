import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { isOperatorRole, isTenantRole, scopesOfRole, type PrincipalType } from '../shared/access-matrix';
import {
  PRINCIPAL_ROLE_CLAIM,
  PRINCIPAL_TYPE_CLAIM,
  RESOURCE_SERVER_ID,
  SCOPES,
  TENANT_CLAIM,
  type Scope,
} from '../shared/names';
import { ApiError } from './api-error';

// The access matrix's third layer: what the handlers make of a token API Gateway let through. The
// pre-token trigger stamps `principal_type` and `principal_role`; a tenant route refuses an
// operator, an operator route refuses a tenant (or any token naming a tenant), and a token that
// names no principal the matrix knows is refused by both. The scopes a handler sees are the
// token's scopes that the principal's role may hold, so a scope that slipped past the first two
// layers still opens nothing here.

export type JwtClaims = Record<string, unknown>;
type EventWithClaims = Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>;

export function claimsOf(event: EventWithClaims): JwtClaims {
  return event.requestContext.authorizer?.jwt?.claims ?? {};
}

/** The principal type the token declares; `undefined` when it declares none or one we do not know. */
export function declaredPrincipalType(claims: JwtClaims): PrincipalType | undefined {
  const type = claims[PRINCIPAL_TYPE_CLAIM];
  return type === 'tenant' || type === 'operator' ? type : undefined;
}

/** The declared role, when it is one of the matrix's roles for that type. */
export function principalRoleOf(claims: JwtClaims, type: PrincipalType): string | undefined {
  const role = claims[PRINCIPAL_ROLE_CLAIM];
  return (type === 'tenant' ? isTenantRole(role) : isOperatorRole(role)) ? (role as string) : undefined;
}

/** A token with a tenant claim is a tenant's token, whatever else it says. */
export function namesTenant(claims: JwtClaims): boolean {
  return claims[TENANT_CLAIM] !== undefined && claims[TENANT_CLAIM] !== '';
}

const SCOPE_PREFIX = `${RESOURCE_SERVER_ID}/`;

/** The token's platform scopes (prefix stripped) that the role may hold; everything else is dropped. */
export function scopesFor(claims: JwtClaims, type: PrincipalType, role: string): Scope[] {
  const allowed = scopesOfRole(type, role);
  const rawScope = claims['scope'];
  return (typeof rawScope === 'string' ? rawScope.split(' ') : [])
    .filter((s) => s.startsWith(SCOPE_PREFIX))
    .map((s) => s.slice(SCOPE_PREFIX.length))
    .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s) && (allowed as readonly string[]).includes(s));
}

export function forbidden(code: string, message: string): ApiError {
  return new ApiError({ status: 403, type: 'permission_error', code, category: 'terminal', message });
}

export const tenantRouteForbiddenForOperator = () =>
  forbidden(
    'tenant_route_forbidden_for_operator',
    "this route acts for the token's tenant; an operator token cannot use it (operators read payouts through /ops/payouts)",
  );

export const operatorRouteForbiddenForTenant = () =>
  forbidden(
    'operator_route_forbidden_for_tenant',
    "operator routes reach every tenant's data; a tenant's token cannot use them",
  );

export const principalUnknown = (expected: PrincipalType) =>
  forbidden(
    'principal_unknown',
    `the token names no ${expected} principal the access matrix knows (claims ${PRINCIPAL_TYPE_CLAIM} and ${PRINCIPAL_ROLE_CLAIM})`,
  );

import {
  OPERATOR_ROLES,
  isTenantRole,
  scopesOfRole,
  type OperatorRole,
  type PrincipalType,
  type TenantRole,
} from '../../shared/access-matrix';
import type { TenantClientMapping } from '../../adapters/tenant-directory';
import { assertNever } from '../../domain/assert-never';
import { PRINCIPAL_ROLE_CLAIM, PRINCIPAL_TYPE_CLAIM, RESOURCE_SERVER_ID, TENANT_CLAIM } from '../../shared/names';

// The pre-token trigger's rule, the second of the three layers that keep a token to its row of the
// access matrix (the app client's allowed scopes come first, the handlers' principal checks last).
// Whatever the client was configured to allow, the token leaves with the principal's type and role
// stamped and every platform scope the matrix does not give that role suppressed. A principal it
// cannot name — an unmapped or disabled client, a user in no operator group or in several — keeps
// no platform scope at all: fail closed.

interface FactsCommon {
  clientId: string;
  /** The scopes Cognito is about to grant (the app client allowed them). */
  requestedScopes: readonly string[];
}
export type PreTokenFacts =
  | (FactsCommon & { flow: 'client_credentials'; mapping: TenantClientMapping | undefined })
  | (FactsCommon & { flow: 'user'; groups: readonly string[] });

export type PreTokenRefusal =
  'client_unmapped' | 'client_disabled' | 'role_unknown' | 'no_operator_group' | 'several_operator_groups';

interface Stamped {
  outcome: 'stamped';
  /** Claims for the access token (and the id token of a user sign-in). */
  claims: Record<string, string>;
  scopesToSuppress: string[];
}
export type PreTokenDecision =
  | (Stamped & { principalType: 'tenant'; role: TenantRole; tenantId: string })
  | (Stamped & { principalType: 'operator'; role: OperatorRole })
  | { outcome: 'refused'; refusal: PreTokenRefusal; scopesToSuppress: string[] };

const PLATFORM_SCOPE_PREFIX = `${RESOURCE_SERVER_ID}/`;

/** Platform scopes of the request the role may not hold; other scopes (openid, email) are not ours to judge. */
function disallowed(requested: readonly string[], principalType: PrincipalType | undefined, role: string): string[] {
  const held = principalType === undefined ? [] : scopesOfRole(principalType, role);
  const allowed = new Set(held.map((scope) => `${PLATFORM_SCOPE_PREFIX}${scope}`));
  return requested.filter((scope) => scope.startsWith(PLATFORM_SCOPE_PREFIX) && !allowed.has(scope));
}

export function decidePreToken(facts: PreTokenFacts): PreTokenDecision {
  const refuse = (refusal: PreTokenRefusal): PreTokenDecision => ({
    outcome: 'refused',
    refusal,
    scopesToSuppress: disallowed(facts.requestedScopes, undefined, ''),
  });
  switch (facts.flow) {
    case 'client_credentials': {
      const mapping = facts.mapping;
      if (mapping === undefined) return refuse('client_unmapped');
      if (mapping.status !== 'active') return refuse('client_disabled');
      if (!isTenantRole(mapping.role)) return refuse('role_unknown');
      return {
        outcome: 'stamped',
        principalType: 'tenant',
        role: mapping.role,
        tenantId: mapping.tenantId,
        claims: {
          [TENANT_CLAIM]: mapping.tenantId,
          [PRINCIPAL_TYPE_CLAIM]: 'tenant',
          [PRINCIPAL_ROLE_CLAIM]: mapping.role,
        },
        scopesToSuppress: disallowed(facts.requestedScopes, 'tenant', mapping.role),
      };
    }
    case 'user': {
      // Groups that are not operator roles (none today) neither grant nor block anything.
      const roles = OPERATOR_ROLES.filter((role) => facts.groups.includes(role));
      if (roles.length === 0) return refuse('no_operator_group');
      // One person, one role: separation of duties, and `principal_role` names exactly one row.
      if (roles.length > 1) return refuse('several_operator_groups');
      const role = roles[0]!;
      return {
        outcome: 'stamped',
        principalType: 'operator',
        role,
        claims: { [PRINCIPAL_TYPE_CLAIM]: 'operator', [PRINCIPAL_ROLE_CLAIM]: role },
        scopesToSuppress: disallowed(facts.requestedScopes, 'operator', role),
      };
    }
    default:
      return assertNever(facts, 'pre-token flow');
  }
}

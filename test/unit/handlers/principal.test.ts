import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../functions/http/api-error';
import { callerOf } from '../../../functions/http/claims';
import { operatorOf } from '../../../functions/http/operator';

// Layer 3 of the access matrix: the handlers' reading of the claims. Each row is a token that got
// past API Gateway's scope check — including tokens the first two layers should never have
// issued — and what a tenant route (callerOf) and an operator route (operatorOf) make of it.

const q = (...scopes: string[]) => scopes.map((scope) => `payout-platform/${scope}`).join(' ');
const event = (claims: Record<string, string>) =>
  ({ requestContext: { authorizer: { jwt: { claims, scopes: null } } } }) as never;
const tenant = (role: string, scope: string) => ({
  tenant_id: 'acme',
  principal_type: 'tenant',
  principal_role: role,
  client_id: 'c1',
  sub: 'c1',
  scope,
});
const operator = (role: string, scope: string) => ({
  principal_type: 'operator',
  principal_role: role,
  client_id: 'console',
  sub: 'u1',
  username: 'ada',
  scope,
});

function outcome(read: () => unknown): string {
  try {
    read();
    return 'allowed';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(403);
    expect(error.type).toBe('permission_error');
    return error.code;
  }
}

describe('principal checks', () => {
  it.each([
    ['a tenant backend', tenant('backend', q('payouts:read')), 'allowed', 'operator_route_forbidden_for_tenant'],
    [
      'a tenant token that (wrongly) carries ops:read',
      tenant('backend', q('ops:read', 'payouts:read')),
      'allowed',
      'operator_route_forbidden_for_tenant',
    ],
    [
      'a token with a tenant claim but no principal type',
      { tenant_id: 'acme', scope: q('ops:read') },
      'principal_unknown',
      'operator_route_forbidden_for_tenant',
    ],
    [
      'an operator claiming a tenant as well',
      { ...operator('ops', q('ops:read')), tenant_id: 'acme' },
      'tenant_route_forbidden_for_operator',
      'operator_route_forbidden_for_tenant',
    ],
    ['an ops operator', operator('ops', q('ops:read')), 'tenant_route_forbidden_for_operator', 'allowed'],
    [
      'an operator token that (wrongly) carries payouts:write',
      operator('ops', q('payouts:write')),
      'tenant_route_forbidden_for_operator',
      'allowed',
    ],
    [
      'an operator with a role the matrix does not know',
      operator('admin', q('ops:read')),
      'tenant_route_forbidden_for_operator',
      'principal_unknown',
    ],
    [
      'a tenant with a role the matrix does not know',
      tenant('owner', q('payouts:read')),
      'principal_unknown',
      'operator_route_forbidden_for_tenant',
    ],
    [
      'a token naming no principal at all',
      { client_id: 'c1', scope: q('ops:read') },
      'tenant_missing',
      'principal_unknown',
    ],
    [
      'an unknown principal type',
      { principal_type: 'robot', principal_role: 'ops', scope: q('ops:read') },
      'tenant_missing',
      'principal_unknown',
    ],
  ])('%s: tenant route → %s, operator route → %s', (_name, claims, onTenantRoute, onOperatorRoute) => {
    expect(outcome(() => callerOf(event(claims)))).toBe(onTenantRoute);
    expect(outcome(() => operatorOf(event(claims)))).toBe(onOperatorRoute);
  });

  it("keeps only the scopes the principal's role may hold", () => {
    expect(
      callerOf(event(tenant('approver', q('payouts:approve', 'payouts:read', 'payouts:write', 'ops:read')))).scopes,
    ).toEqual(['payouts:approve', 'payouts:read']);
    expect(
      operatorOf(event(operator('finance', q('exports:read', 'ops:read', 'ops:redrive', 'payouts:write')))).scopes,
    ).toEqual(['exports:read']);
  });

  it('names the role and subject', () => {
    expect(callerOf(event(tenant('batch-operator', q('batches:retry'))))).toMatchObject({
      tenantId: 'acme',
      role: 'batch-operator',
      clientId: 'c1',
      subject: 'c1',
    });
    expect(operatorOf(event(operator('compliance', q('audit:read'))))).toMatchObject({
      role: 'compliance',
      subject: 'ada',
      clientId: 'console',
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  ACCESS_MATRIX,
  OPERATOR_CLIENT_SCOPES,
  OPERATOR_ROLES,
  SCOPE_PRINCIPAL,
  TENANT_ROLES,
  accessMatrixView,
  scopesOfRole,
} from '../../../functions/shared/access-matrix';
import { SCOPES, type Scope } from '../../../functions/shared/names';
import { API_ROUTES } from '../../../lib/routes';

// The matrix's own rules: the properties every consumer (CDK, trigger, handlers, twin) relies on.
const ROUTES = Object.values(API_ROUTES).flat();
const holders = (scope: Scope) =>
  ACCESS_MATRIX.filter((row) => (row.scopes as readonly Scope[]).includes(scope)).map((row) => row.actor);

describe('access matrix', () => {
  it('has one row per actor, per tenant role and per operator role', () => {
    expect(new Set(ACCESS_MATRIX.map((row) => row.actor)).size).toBe(ACCESS_MATRIX.length);
    expect(ACCESS_MATRIX.filter((row) => row.principalType === 'tenant').map((row) => row.role)).toEqual([
      ...TENANT_ROLES,
    ]);
    expect(ACCESS_MATRIX.filter((row) => row.principalType === 'operator').map((row) => row.role)).toEqual([
      ...OPERATOR_ROLES,
    ]);
    expect(ACCESS_MATRIX.filter((row) => row.principalType === 'job')).toEqual([
      expect.objectContaining({ tokenType: 'iam', scopes: [] }),
    ]);
  });

  it('gives every row only scopes of its principal type, each at most once', () => {
    for (const row of ACCESS_MATRIX) {
      expect(new Set(row.scopes).size, row.actor).toBe(row.scopes.length);
      for (const scope of row.scopes)
        expect(SCOPE_PRINCIPAL[scope], `${row.actor} holds ${scope}`).toBe(row.principalType);
    }
  });

  it('gives every scope to someone, and no scope to both a tenant and an operator', () => {
    for (const scope of SCOPES) {
      const types = new Set(
        ACCESS_MATRIX.filter((row) => (row.scopes as readonly Scope[]).includes(scope)).map((row) => row.principalType),
      );
      expect(types.size, `${scope}: ${holders(scope).join(', ')}`).toBe(1);
    }
  });

  it.each([
    ['creating and approving payouts (four eyes)', 'payouts:write', 'payouts:approve'],
    ['creating payouts and retrying batch items', 'payouts:write', 'batches:retry'],
    ['requesting and approving reversals', 'payouts:reverse', 'payouts:approve'],
  ] as const)('keeps %s with different actors', (_what, a, b) => {
    expect(holders(a).filter((actor) => holders(b).includes(actor))).toEqual([]);
  });

  it("keeps finance off ops:read (any tenant's payouts, raw DLQ messages)", () => {
    expect(scopesOfRole('operator', 'finance')).not.toContain('ops:read');
    expect(scopesOfRole('operator', 'finance')).toEqual(
      expect.arrayContaining(['reconciliation:read', 'reconciliation:run', 'exports:read']),
    );
  });

  it('lets the console client grant every operator scope and no tenant scope', () => {
    const operatorScopes = SCOPES.filter((scope) => SCOPE_PRINCIPAL[scope] === 'operator');
    expect([...OPERATOR_CLIENT_SCOPES].sort()).toEqual([...operatorScopes].sort());
  });

  it('knows no scopes for a role it does not have', () => {
    expect(scopesOfRole('tenant', 'ops')).toEqual([]);
    expect(scopesOfRole('operator', 'backend')).toEqual([]);
    expect(scopesOfRole('tenant', 'admin')).toEqual([]);
  });

  it('opens every scoped route of lib/routes.ts to at least one actor', () => {
    for (const route of ROUTES)
      if (route.scope !== null) expect(holders(route.scope), `${route.method} ${route.path}`).not.toEqual([]);
  });

  it("renders each actor's routes as exactly the routes its scopes open", () => {
    const view = accessMatrixView(ROUTES);
    for (const actor of view.actors) {
      const row = ACCESS_MATRIX.find((candidate) => candidate.actor === actor.actor)!;
      const expected = ROUTES.filter(
        (route) => route.scope !== null && (row.scopes as readonly Scope[]).includes(route.scope),
      );
      expect(actor.routes.map((route) => `${route.method} ${route.path}`).sort(), actor.actor).toEqual(
        expected.map((route) => `${route.method} ${route.path}`).sort(),
      );
    }
    expect(view.actors.find((actor) => actor.actor === 'jobs')!.routes).toEqual([]);
    expect(view.public_routes.map((route) => route.path).sort()).toEqual(
      ROUTES.filter((route) => route.scope === null)
        .map((route) => route.path)
        .sort(),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { applyOverrides, TriggerResponseError } from '../../../local/aws/cognito';

// How the twin applies a pre-token trigger's answer, as Cognito does: reserved claims refused,
// suppressed scopes win over added ones.
describe('twin Cognito: trigger overrides', () => {
  it('adds claims, then adds and suppresses scopes (suppression wins)', () => {
    const result = applyOverrides(
      {
        claimsToAddOrOverride: { tenant_id: 'acme', principal_type: 'tenant', 'cognito:groups': ['x'] },
        scopesToAdd: ['payout-platform/ops:read'],
        scopesToSuppress: ['payout-platform/ops:read', 'payout-platform/payouts:write'],
      },
      'client-1',
      ['payout-platform/payouts:write', 'payout-platform/payouts:read'],
    );
    expect(result).toEqual({
      claims: { tenant_id: 'acme', principal_type: 'tenant', 'cognito:groups': ['x'] },
      scopes: ['payout-platform/payouts:read'],
    });
  });

  it.each(['client_id', 'sub', 'scope', 'token_use', 'exp', 'cognito:username'])(
    'refuses a trigger that sets %s',
    (claim) => {
      expect(() => applyOverrides({ claimsToAddOrOverride: { [claim]: 'x' } }, 'client-1', [])).toThrow(
        TriggerResponseError,
      );
    },
  );

  it('lets aud through only as the caller’s own client id', () => {
    expect(applyOverrides({ claimsToAddOrOverride: { aud: 'client-1' } }, 'client-1', []).claims).toEqual({
      aud: 'client-1',
    });
    expect(() => applyOverrides({ claimsToAddOrOverride: { aud: 'other' } }, 'client-1', [])).toThrow(
      TriggerResponseError,
    );
  });

  it('leaves the request as it is without an answer', () => {
    expect(applyOverrides(undefined, 'client-1', ['payout-platform/payouts:read'])).toEqual({
      claims: {},
      scopes: ['payout-platform/payouts:read'],
    });
  });
});

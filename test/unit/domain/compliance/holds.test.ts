import { describe, expect, it } from 'vitest';
import { HOLD_OWNERS, type Hold } from '../../../../functions/domain/compliance/contract';
import {
  holdSlaDueAt,
  holdsPastSla,
  openHolds,
  releaseError,
  releaseRefusal,
  releaseScopeOf,
} from '../../../../functions/domain/compliance/holds';

const OPENED = '2026-12-01T00:00:00.000Z';
const taxForm: Hold = {
  holdId: 'tax_form',
  kind: 'tax_form',
  owner: 'tenant',
  openedAt: OPENED,
  requirement: 'tax_form:W-8BEN',
  evidence: {},
};
const screening: Hold = {
  ...taxForm,
  holdId: 'screening',
  kind: 'screening',
  owner: 'compliance',
  requirement: 'screening',
};
const corridor: Hold = { ...taxForm, holdId: 'corridor_enablement', kind: 'corridor_enablement', owner: 'ops' };
const approval: Hold = { ...taxForm, holdId: 'approval', kind: 'approval', owner: 'approver', requirement: 'approval' };

describe('releasing a hold: only the owner’s scope', () => {
  it.each([
    [taxForm, ['payouts:write'], undefined],
    [taxForm, ['payouts:read'], 'hold_owner_scope_required'],
    [screening, ['compliance:review'], undefined],
    [screening, ['ops:redrive', 'payouts:write'], 'hold_owner_scope_required'],
    [corridor, ['ops:redrive'], undefined],
    [corridor, ['compliance:review'], 'hold_owner_scope_required'],
    [approval, ['payouts:approve'], 'approval_hold_released_by_approve'],
    [undefined, ['payouts:write'], 'hold_not_found'],
  ] as const)('%o with %o → %s', (hold, scopes, refusal) => {
    expect(releaseRefusal(hold, scopes)).toBe(refusal);
  });

  it('every owner has a scope, and the refusal names it', () => {
    expect(HOLD_OWNERS.map(releaseScopeOf)).toEqual([
      'payouts:approve',
      'compliance:review',
      'payouts:write',
      'ops:redrive',
    ]);
    const error = releaseError('hold_owner_scope_required', screening);
    expect([error.code, error.category]).toEqual(['hold_owner_scope_required', 'terminal']);
    expect(error.message).toContain('compliance:review');
  });
});

describe('open holds and their SLA', () => {
  const holds = { tax_form: taxForm, screening, done: { ...corridor, releasedAt: OPENED, releasedBy: 'ops-1' } };

  it('lists the open ones, oldest first, the released ones left out', () => {
    expect(openHolds(holds).map((h) => h.holdId)).toEqual(['screening', 'tax_form']);
    expect(openHolds(undefined)).toEqual([]);
  });

  it.each([
    ['2026-12-01T23:59:59.000Z', []],
    ['2026-12-02T00:00:00.000Z', ['screening']],
    ['2026-12-08T00:00:00.000Z', ['screening', 'tax_form']],
  ])('at %s the holds past their SLA are %o', (now, expected) => {
    expect(holdsPastSla(holds, now).map((h) => h.holdId)).toEqual(expected);
  });

  it('compliance has a day, the tenant a week', () => {
    expect(holdSlaDueAt(screening)).toBe('2026-12-02T00:00:00.000Z');
    expect(holdSlaDueAt(taxForm)).toBe('2026-12-08T00:00:00.000Z');
  });
});

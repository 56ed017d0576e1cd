import { describe, expect, it } from 'vitest';
import type { RecipientCompliance } from '../../../../functions/domain/compliance/contract';
import { gateHolds, gateRefusalError, taxFormTypeFor } from '../../../../functions/domain/compliance/gates';

const NOW = '2026-12-02T01:00:00.000Z';
const ENABLED = { country: 'US', currency: 'USD', method: 'ach', state: 'enabled' } as const;
const GATED = { country: 'IN', currency: 'INR', method: 'imps', state: 'policy_gated' } as const;

/** A recipient that passes every gate; each row below changes one thing. */
function recipient(change: Partial<RecipientCompliance> = {}): RecipientCompliance {
  return {
    tenantId: 'acme',
    recipientId: 'rcp_1',
    kind: 'individual',
    country: 'DE',
    onboarding: { state: 'verified', requirements: [] },
    taxForm: { state: 'valid', formType: 'W-8BEN', version: 1, expiresOn: '2029-12-31' },
    screening: { state: 'clear', listVersion: 'sdn-2026-12-01' },
    ...change,
  };
}

const base = { tenantEnablements: [], approvalRequired: false, now: NOW, corridor: ENABLED };
type Row = [string, Parameters<typeof gateHolds>[0], Array<[string, string, string]>];

describe('gateHolds: the holds a new payout gets (kind, owner, requirement)', () => {
  it.each<Row>([
    ['inline recipient, enabled corridor, no approval', { ...base, recipient: undefined }, []],
    ['a recipient that passes every gate', { ...base, recipient: recipient() }, []],
    [
      'approval required',
      { ...base, recipient: undefined, approvalRequired: true },
      [['approval', 'approver', 'approval']],
    ],
    [
      'onboarding waiting on information: the tenant collects it',
      {
        ...base,
        recipient: recipient({ onboarding: { state: 'pending_information', requirements: ['date_of_birth'] } }),
      },
      [['onboarding', 'tenant', 'onboarding:date_of_birth']],
    ],
    [
      'onboarding in review: compliance finishes it',
      { ...base, recipient: recipient({ onboarding: { state: 'in_review', requirements: [] } }) },
      [['onboarding', 'compliance', 'onboarding:verified']],
    ],
    [
      'W-8BEN missing for a foreign individual',
      { ...base, recipient: recipient({ taxForm: { state: 'missing' } }) },
      [['tax_form', 'tenant', 'tax_form:W-8BEN']],
    ],
    [
      'W-8BEN expired',
      { ...base, recipient: recipient({ taxForm: { state: 'expired', formType: 'W-8BEN', expiresOn: '2026-11-30' } }) },
      [['tax_form', 'tenant', 'tax_form:W-8BEN']],
    ],
    ['no form required by policy', { ...base, recipient: recipient({ taxForm: { state: 'not_required' } }) }, []],
    [
      'never screened',
      { ...base, recipient: recipient({ screening: { state: 'unscreened' } }) },
      [['screening', 'compliance', 'screening']],
    ],
    [
      'potential match',
      { ...base, recipient: recipient({ screening: { state: 'potential_match', caseId: 'scr_9', score: 0.93 } }) },
      [['screening', 'compliance', 'screening_case:scr_9']],
    ],
    [
      'policy-gated corridor without the enablement',
      { ...base, recipient: undefined, corridor: GATED },
      [['corridor_enablement', 'ops', 'corridor_enablement:IN/INR/imps']],
    ],
    [
      'policy-gated corridor with the enablement',
      { ...base, recipient: undefined, corridor: GATED, tenantEnablements: ['IN/INR/imps'] },
      [],
    ],
    [
      'everything at once, in the fixed order',
      {
        ...base,
        approvalRequired: true,
        corridor: GATED,
        recipient: recipient({
          onboarding: { state: 'in_review', requirements: [] },
          taxForm: { state: 'missing' },
          screening: { state: 'unscreened' },
        }),
      },
      [
        ['approval', 'approver', 'approval'],
        ['onboarding', 'compliance', 'onboarding:verified'],
        ['tax_form', 'tenant', 'tax_form:W-8BEN'],
        ['screening', 'compliance', 'screening'],
        ['corridor_enablement', 'ops', 'corridor_enablement:IN/INR/imps'],
      ],
    ],
  ])('%s', (_name, input, expected) => {
    const result = gateHolds(input);
    expect(result.kind).toBe('holds');
    if (result.kind !== 'holds') return;
    expect(result.holds.map((h) => [h.kind, h.owner, h.requirement])).toEqual(expected);
    for (const h of result.holds) expect(h.openedAt).toBe(NOW);
  });

  it.each([
    [
      'a confirmed match blocks for good',
      recipient({ screening: { state: 'confirmed_match', caseId: 'scr_1' } }),
      'recipient_blocked',
    ],
    ['a rejected onboarding', recipient({ onboarding: { state: 'rejected', requirements: [] } }), 'recipient_rejected'],
    [
      'a confirmed match comes before a rejected onboarding',
      recipient({ onboarding: { state: 'rejected', requirements: [] }, screening: { state: 'confirmed_match' } }),
      'recipient_blocked',
    ],
  ] as const)('refuses: %s', (_name, r, refusal) => {
    expect(gateHolds({ ...base, recipient: r, approvalRequired: true })).toEqual({ kind: 'refused', refusal });
    const error = gateRefusalError(refusal);
    expect([error.code, error.category, error.param]).toEqual(['payout_not_holdable', 'terminal', 'recipient_id']);
  });

  it('carries the screening evidence: case, score, list version', () => {
    const result = gateHolds({
      ...base,
      recipient: recipient({
        screening: { state: 'potential_match', caseId: 'scr_9', score: 0.93, listVersion: 'v7' },
      }),
    });
    expect(result.kind === 'holds' && result.holds[0]).toMatchObject({
      holdId: 'screening-scr_9',
      evidence: { screening_state: 'potential_match', case_id: 'scr_9', score: 0.93, list_version: 'v7' },
    });
  });

  it.each([
    ['US', 'individual', 'W-9'],
    ['US', 'business', 'W-9'],
    ['DE', 'individual', 'W-8BEN'],
    ['DE', 'business', 'W-8BEN-E'],
  ] as const)('the tax form of a %s %s is the %s', (country, kind, form) => {
    expect(taxFormTypeFor({ country, kind })).toBe(form);
  });
});

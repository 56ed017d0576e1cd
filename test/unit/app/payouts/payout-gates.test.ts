import { describe, expect, it } from 'vitest';
import { gatesOf, NO_RECIPIENT_RECORDS, type ComplianceGates } from '../../../../functions/app/payouts/payout-gates';
import type { RecipientCompliance } from '../../../../functions/domain/compliance/contract';
import { payoutView } from '../../../../functions/http/payout-view';
import type { Payout } from '../../../../functions/domain/payout';

const NOW = '2026-12-02T01:00:00.000Z';
const CORRIDOR = { country: 'DE', currency: 'EUR', method: 'sepa', state: 'enabled' } as const;

const verified: RecipientCompliance = {
  tenantId: 'acme',
  recipientId: 'rcp_1',
  kind: 'individual',
  country: 'DE',
  onboarding: { state: 'verified', requirements: [] },
  taxForm: { state: 'missing' },
  screening: { state: 'clear' },
};

/** A fake RecipientComplianceSource: the tenant's own records only, as the recipients adapters answer. */
function gates(records: RecipientCompliance[]): ComplianceGates {
  return {
    source: {
      get: async (tenantId, recipientId) =>
        records.find((r) => r.tenantId === tenantId && r.recipientId === recipientId),
    },
    tenantEnablements: () => [],
  };
}

const input = (recipientId: string | undefined, tenantId = 'acme') => ({
  tenantId,
  recipientId,
  corridor: CORRIDOR,
  approvalRequired: true,
  now: NOW,
});

describe('the create path’s gates (app/payouts/payout-gates.ts)', () => {
  it('an inline recipient: no stored hold (the approval is carried by requires_approval)', async () => {
    expect(await gatesOf(gates([]), input(undefined))).toEqual({ holds: {}, openHoldCount: 0 });
    expect(await gatesOf(undefined, input(undefined))).toEqual({ holds: {}, openHoldCount: 0 });
  });

  it('a recipient without its W-8BEN: one stored tax_form hold, owned by the tenant', async () => {
    const gated = await gatesOf(gates([verified]), input('rcp_1'));
    expect(gated.openHoldCount).toBe(1);
    expect(gated.holds['tax_form']).toMatchObject({ owner: 'tenant', requirement: 'tax_form:W-8BEN', openedAt: NOW });
  });

  it.each([
    ['an unknown recipient', [], 'acme', 404, 'recipient_not_found'],
    ['another tenant’s recipient, exactly like an unknown one', [verified], 'globex', 404, 'recipient_not_found'],
    [
      'a blocked recipient',
      [{ ...verified, screening: { state: 'confirmed_match' as const } }],
      'acme',
      422,
      'recipient_blocked',
    ],
    [
      'a rejected recipient',
      [{ ...verified, onboarding: { state: 'rejected' as const, requirements: [] } }],
      'acme',
      422,
      'recipient_rejected',
    ],
  ])('refuses %s, before anything is written', async (_name, records, tenantId, status, code) => {
    await expect(gatesOf(gates(records), input('rcp_1', tenantId))).rejects.toMatchObject({
      status,
      code,
      category: 'terminal',
      param: 'recipient_id',
    });
  });

  it('until the recipients adapters land, no record is found', async () => {
    expect(await NO_RECIPIENT_RECORDS.get('acme', 'rcp_1')).toBeUndefined();
  });
});

describe('GET /payouts/{id} shows the holds', () => {
  const payout: Payout = {
    payoutId: 'po_1',
    tenantId: 'acme',
    idempotencyKey: 'k',
    status: 'requires_approval',
    version: 1,
    amountMinor: 2_000_000,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
    recipient: { name: 'Ada' },
    createdAt: NOW,
    lastEventAt: NOW,
    requestIds: ['r'],
    approval: { thresholdMinor: 1_000_000, expiresAt: '2026-12-05T01:00:00.000Z' },
    holds: {
      tax_form: {
        holdId: 'tax_form',
        kind: 'tax_form',
        owner: 'tenant',
        openedAt: NOW,
        requirement: 'tax_form:W-8BEN',
        evidence: {},
      },
    },
    openHoldCount: 1,
  };

  it('the approval first, then the stored holds, each with its owner and requirement', () => {
    expect(payoutView(payout).holds).toEqual([
      {
        hold_id: 'approval',
        kind: 'approval',
        owner: 'approver',
        opened_at: NOW,
        requirement: 'approval',
        evidence: { threshold_minor: 1_000_000 },
        released_at: null,
        released_by: null,
      },
      {
        hold_id: 'tax_form',
        kind: 'tax_form',
        owner: 'tenant',
        opened_at: NOW,
        requirement: 'tax_form:W-8BEN',
        evidence: {},
        released_at: null,
        released_by: null,
      },
    ]);
  });

  it('a payout never held shows none', () => {
    const { approval: _a, holds: _h, openHoldCount: _c, ...plain } = payout;
    expect(payoutView({ ...plain, status: 'submitted' }).holds).toEqual([]);
  });
});

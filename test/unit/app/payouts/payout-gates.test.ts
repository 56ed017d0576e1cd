import { describe, expect, it } from 'vitest';
import { gatesOf, type ComplianceGates } from '../../../../functions/app/payouts/payout-gates';
import { NO_PAYOUT_RECIPIENTS, payoutRecipients } from '../../../../functions/app/payouts/payout-recipient';
import type { RecipientItem } from '../../../../functions/adapters/recipients/recipients-records';
import type { RecipientCompliance } from '../../../../functions/domain/compliance/contract';
import { corridorMatrix } from '../../../../functions/adapters/corridors-config';
import { payoutView } from '../../../../functions/http/payout-view';
import type { Payout } from '../../../../functions/domain/payout';

const NOW = '2026-12-02T01:00:00.000Z';
const CORRIDOR = { country: 'DE', currency: 'EUR', method: 'sepa', state: 'enabled' } as const;
const RCP = `rcp_${'1'.repeat(32)}`;

const verified: RecipientCompliance = {
  tenantId: 'acme',
  recipientId: RCP,
  kind: 'individual',
  country: 'DE',
  onboarding: { state: 'verified', requirements: [] },
  taxForm: { state: 'missing' },
  screening: { state: 'clear' },
};

const gates = (enablements: string[] = []): ComplianceGates => ({
  recipients: NO_PAYOUT_RECIPIENTS,
  tenantEnablements: async () => enablements,
});

const input = (recipient: RecipientCompliance | undefined, corridor: typeof CORRIDOR | typeof GATED = CORRIDOR) => ({
  tenantId: 'acme',
  recipient,
  corridor,
  approvalRequired: true,
  now: NOW,
});
const GATED = { country: 'IN', currency: 'INR', method: 'imps', state: 'policy_gated' } as const;

describe('the create path’s gates (app/payouts/payout-gates.ts)', () => {
  it('no recipient record: no stored hold (the approval is carried by requires_approval)', async () => {
    expect(await gatesOf(gates(), input(undefined))).toEqual({ holds: {}, openHoldCount: 0 });
    expect(await gatesOf(undefined, input(undefined))).toEqual({ holds: {}, openHoldCount: 0 });
  });

  it('a recipient without its W-8BEN: one stored tax_form hold, owned by the tenant', async () => {
    const gated = await gatesOf(gates(), input(verified));
    expect(gated.openHoldCount).toBe(1);
    expect(gated.holds['tax_form']).toMatchObject({ owner: 'tenant', requirement: 'tax_form:W-8BEN', openedAt: NOW });
  });

  it.each([
    ['a blocked recipient', { ...verified, screening: { state: 'confirmed_match' as const } }, 'recipient_blocked'],
    [
      'a rejected recipient',
      { ...verified, onboarding: { state: 'rejected' as const, requirements: [] } },
      'recipient_rejected',
    ],
  ])('refuses %s with a 422, before anything is written', async (_name, recipient, code) => {
    await expect(gatesOf(gates(), input(recipient))).rejects.toMatchObject({
      status: 422,
      code,
      category: 'terminal',
      param: 'recipient_id',
    });
  });

  it('a policy-gated corridor: held for ops unless the tenant is enabled for it', async () => {
    const held = await gatesOf(gates(), input(undefined, GATED));
    expect(held.holds['corridor_enablement']).toMatchObject({
      owner: 'ops',
      requirement: 'corridor_enablement:IN/INR/imps',
    });
    expect(await gatesOf(gates(['IN/INR/imps']), input(undefined, GATED))).toEqual({ holds: {}, openHoldCount: 0 });
  });
});

/** A record as RecipientsTable holds it (only the fields the create path reads). */
const item = (tenantId: string): RecipientItem =>
  ({
    tenantId,
    recipientId: RCP,
    kind: 'individual',
    name: 'Ada Lovelace',
    country: 'DE',
    contact: { email: 'ada@example.com' },
    maskedDestinations: [{ country: 'DE', method: 'sepa', currency: 'EUR', fields: { iban: '••••3000' } }],
    onboarding: { state: 'verified', requirements: [] },
    screening: { state: 'clear' },
  }) as unknown as RecipientItem;

describe('a named recipient (app/payouts/payout-recipient.ts)', () => {
  const reads: string[] = [];
  const recipients = payoutRecipients({
    store: {
      get: async (tenantId, recipientId) => {
        reads.push(recipientId);
        return tenantId === 'acme' && recipientId === RCP ? item('acme') : undefined;
      },
      create: async () => {
        throw new Error('a named recipient is never created');
      },
    },
    corridors: corridorMatrix(),
    today: () => '2026-12-02',
  });

  it('the tenant’s own record: its name and email, and its compliance snapshot', async () => {
    expect(await recipients.named('acme', RCP)).toMatchObject({
      recipientId: RCP,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      compliance: { onboarding: { state: 'verified' }, screening: { state: 'clear' } },
    });
  });

  it.each([
    ['an unknown recipient', 'acme', `rcp_${'2'.repeat(32)}`],
    ['another tenant’s recipient, exactly like an unknown one', 'globex', RCP],
    ['a malformed id (answered without a read)', 'acme', 'rcp_../x'],
  ])('404 for %s', async (_name, tenantId, recipientId) => {
    reads.length = 0;
    await expect(recipients.named(tenantId, recipientId)).rejects.toMatchObject({
      status: 404,
      code: 'recipient_not_found',
      param: 'recipient_id',
    });
    expect(reads).toEqual(recipientId.startsWith('rcp_../') ? [] : [recipientId]);
  });

  it('an inline recipient: one record made behind it (verified: its corridor asks nothing), screened, then reused', async () => {
    const stored = new Map<string, RecipientItem>();
    const screened: string[] = [];
    const inline = payoutRecipients({
      store: {
        get: async (_tenantId, recipientId) => stored.get(recipientId),
        create: async (recipient) => {
          const created = { ...recipient, maskedDestinations: [] } as unknown as RecipientItem;
          stored.set(recipient.recipientId, created);
          return { kind: 'created', item: created };
        },
      },
      corridors: corridorMatrix(),
      today: () => '2026-12-02',
      screen: async (recipient) => {
        screened.push(recipient.recipientId);
        const snapshot = { state: 'clear' as const, listVersion: 'v', screenedAt: NOW };
        stored.set(recipient.recipientId, { ...stored.get(recipient.recipientId)!, screening: snapshot });
        return snapshot;
      },
    });
    const payee = {
      name: 'Ada Lovelace',
      destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
      currency: 'EUR',
    };
    const first = await inline.inline('acme', payee, NOW);
    const again = await inline.inline('acme', { ...payee, name: ' ada lovelace ' }, NOW);
    expect(first.compliance).toMatchObject({ onboarding: { state: 'verified' }, screening: { state: 'clear' } });
    expect(again.recipientId).toBe(first.recipientId);
    expect([...stored.values()]).toHaveLength(1);
    expect([...stored.values()][0]).toMatchObject({ origin: 'inline', kind: 'individual', country: 'DE' });
    expect(screened).toEqual([first.recipientId]);
  });

  it('without RecipientsTable no record is found', async () => {
    await expect(NO_PAYOUT_RECIPIENTS.named('acme', RCP)).rejects.toMatchObject({ status: 404 });
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

import { describe, expect, it } from 'vitest';
import { gatesOf, type ComplianceGates } from '../../../../functions/app/payouts/payout-gates';
import { NO_PAYOUT_RECIPIENTS, payoutRecipients } from '../../../../functions/app/payouts/payout-recipient';
import type { RecipientItem } from '../../../../functions/adapters/recipients/recipients-records';
import type { RecipientCompliance, ScreeningSnapshot } from '../../../../functions/domain/compliance/contract';
import type { ScreeningVerdict } from '../../../../functions/app/compliance/screen-recipient';
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

const PAYEE = {
  name: 'Ada Lovelace',
  destination: { country: 'DE', method: 'sepa', fields: { iban: 'DE89370400440532013000' } },
  currency: 'EUR',
};
const CLEAR_VERDICT: ScreeningVerdict = {
  kind: 'clear',
  snapshot: { state: 'clear', listVersion: 'v', screenedAt: NOW },
};
const MATCH_VERDICT: ScreeningVerdict = {
  kind: 'matches',
  result: { provider: 'local_list', listVersion: 'v', matches: [{ sourceId: 's1' } as never] },
  at: NOW,
};

/**
 * payoutRecipients over an in-memory store and a screening that logs each step. `lostRace`: another request puts
 * the record (unscreened) between this one's read and its put-if-absent.
 */
function inlineHarness(verdict: ScreeningVerdict, lostRace = false) {
  const stored = new Map<string, RecipientItem>();
  const steps: string[] = [];
  const snapshotOf = (v: ScreeningVerdict): ScreeningSnapshot =>
    v.kind === 'clear' ? v.snapshot : { state: 'potential_match', caseId: 'scr_1', listVersion: 'v', screenedAt: NOW };
  const recipients = payoutRecipients({
    store: {
      get: async (_tenantId, recipientId) => stored.get(recipientId),
      create: async (recipient, options) => {
        steps.push(options?.screening === undefined ? 'create' : `create screened ${options.screening.state}`);
        const existing = stored.get(recipient.recipientId);
        if (existing !== undefined) return { kind: 'exists', item: existing };
        const item = {
          ...recipient,
          maskedDestinations: [],
          ...(options?.screening === undefined || lostRace ? {} : { screening: options.screening }),
        } as unknown as RecipientItem;
        stored.set(recipient.recipientId, item);
        return { kind: lostRace ? 'exists' : 'created', item };
      },
    },
    corridors: corridorMatrix(),
    today: () => '2026-12-02',
    screening: {
      verdict: async () => {
        steps.push('verdict');
        return verdict;
      },
      record: async (recipient, recorded) => {
        steps.push(`record ${recorded.kind}`);
        const snapshot = snapshotOf(recorded);
        stored.set(recipient.recipientId, { ...stored.get(recipient.recipientId)!, screening: snapshot });
        return snapshot;
      },
      // The record's own fields screened afresh: clear, whatever this request's verdict said.
      screen: async (recipient) => {
        steps.push('screen');
        const snapshot = snapshotOf(CLEAR_VERDICT);
        stored.set(recipient.recipientId, { ...stored.get(recipient.recipientId)!, screening: snapshot });
        return snapshot;
      },
    },
  });
  return { recipients, stored, steps };
}

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
    const harness = inlineHarness(CLEAR_VERDICT);
    const first = await harness.recipients.inline('acme', PAYEE, NOW);
    const again = await harness.recipients.inline('acme', { ...PAYEE, name: ' ada lovelace ' }, NOW);
    expect(first.compliance).toMatchObject({ onboarding: { state: 'verified' }, screening: { state: 'clear' } });
    expect(again.recipientId).toBe(first.recipientId);
    expect([...harness.stored.values()]).toHaveLength(1);
    expect([...harness.stored.values()][0]).toMatchObject({ origin: 'inline', kind: 'individual', country: 'DE' });
    // Screened once, in memory, before its one write; the later payout reads the record and screens nothing.
    expect(harness.steps).toEqual(['verdict', 'create screened clear']);
  });

  // Each first-paid inline recipient, by what the list says and whether another request wrote the record first.
  it.each([
    [
      'clear: written once with its snapshot, nothing recorded after',
      CLEAR_VERDICT,
      false,
      ['verdict', 'create screened clear'],
      'clear',
    ],
    [
      'a match: written unscreened, then the verdict recorded (its case)',
      MATCH_VERDICT,
      false,
      ['verdict', 'create', 'record matches'],
      'potential_match',
    ],
    [
      'clear, but another request wrote it first, unscreened: screened from its own fields',
      CLEAR_VERDICT,
      true,
      ['verdict', 'create screened clear', 'screen'],
      'clear',
    ],
    [
      'a match, but another request wrote it first, unscreened: screened from its own fields',
      MATCH_VERDICT,
      true,
      ['verdict', 'create', 'screen'],
      'clear',
    ],
  ] as const)('%s', async (_name, verdict, lostRace, steps, state) => {
    const harness = inlineHarness(verdict, lostRace);
    const paid = await harness.recipients.inline('acme', PAYEE, NOW);
    expect(harness.steps).toEqual(steps);
    expect(paid.compliance.screening.state).toBe(state);
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

import { describe, expect, it } from 'vitest';
import {
  checkEventOwnership,
  describeMismatch,
  isOwnershipCheckedSource,
  mismatchCodeOf,
  OWNERSHIP_CHECKS,
  type OwnedPayout,
  type OwnershipCheck,
  type OwnershipClaim,
  type OwnershipFacts,
} from '../../../functions/domain/event-ownership';
import { TRANSITION_SOURCES } from '../../../functions/domain/lifecycle';

// The rule of DESIGN §3 "Event ownership", one row per mismatch kind, per provider, then their
// combinations and the order they are reported in.

const PROVIDERS = ['sandbox', 'stripe'] as const;
const OTHER: Record<(typeof PROVIDERS)[number], string> = { sandbox: 'stripe', stripe: 'sandbox' };
const payoutAt = (provider: string, providerReference?: string): OwnedPayout => ({
  payoutId: 'po_P3',
  provider,
  amountMinor: 12_500,
  currency: 'EUR',
  ...(providerReference === undefined ? {} : { providerReference }),
});
const ref = (provider: string, n: number) => `${provider === 'stripe' ? 'po_' : 'sbx_po_'}${n}`;

describe.each(PROVIDERS)('%s: every mismatch kind on its own', (provider) => {
  const payout = payoutAt(provider, ref(provider, 3));
  const matching: OwnershipClaim = {
    provider,
    providerReference: ref(provider, 3),
    amountMinor: 12_500,
    currency: 'EUR',
  };
  const rows: Array<[OwnershipCheck | 'none', string, OwnershipClaim, OwnershipFacts?]> = [
    ['none', 'everything matches', matching],
    ['none', 'a claim with only the provider', { provider }],
    ['provider', 'another provider signed it', { ...matching, provider: OTHER[provider] }],
    ['provider_reference', "another payout's reference", { ...matching, providerReference: ref(provider, 4) }],
    ['amount', 'another amount', { ...matching, amountMinor: 12_499 }],
    ['currency', 'another currency', { ...matching, currency: 'GBP' }],
    ['currency', 'a lower-case currency is not normalised here (the mappers do it)', { ...matching, currency: 'eur' }],
  ];
  it.each(rows)('%s: %s', (check, _name, claim, facts) => {
    const verdict = checkEventOwnership(payout, claim, facts);
    if (check === 'none') return expect(verdict).toEqual({ ok: true });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.mismatches.map((m) => m.check)).toEqual([check]);
  });

  it('names both values in the mismatch', () => {
    expect(checkEventOwnership(payout, { provider: OTHER[provider] })).toEqual({
      ok: false,
      mismatches: [{ check: 'provider', payout: provider, claimed: OTHER[provider] }],
    });
    expect(checkEventOwnership(payout, { provider, amountMinor: 1 })).toEqual({
      ok: false,
      mismatches: [{ check: 'amount', payout: 12_500, claimed: 1 }],
    });
  });
});

describe.each(PROVIDERS)('%s: a payout without a reference yet', (provider) => {
  const payout = payoutAt(provider);
  it('a claimed reference is new: ok, and the caller must record it conditionally', () => {
    expect(checkEventOwnership(payout, { provider, providerReference: ref(provider, 3) })).toEqual({
      ok: true,
      newReference: ref(provider, 3),
    });
  });
  it('the index names this payout for it: still ok', () => {
    expect(
      checkEventOwnership(payout, { provider, providerReference: ref(provider, 3) }, { referenceHolder: 'po_P3' }),
    ).toEqual({ ok: true, newReference: ref(provider, 3) });
  });
  it('the index names another payout for it: provider_reference, with the holder', () => {
    expect(
      checkEventOwnership(payout, { provider, providerReference: ref(provider, 4) }, { referenceHolder: 'po_P4' }),
    ).toEqual({
      ok: false,
      mismatches: [{ check: 'provider_reference', payout: null, claimed: ref(provider, 4), heldBy: 'po_P4' }],
    });
  });
  it('no claimed reference: nothing to record', () =>
    expect(checkEventOwnership(payout, { provider })).toEqual({ ok: true }));
  it('the holder is ignored once the payout has its own reference (that comparison decides)', () => {
    expect(
      checkEventOwnership(
        payoutAt(provider, ref(provider, 3)),
        { provider, providerReference: ref(provider, 3) },
        { referenceHolder: 'po_P4' },
      ),
    ).toEqual({ ok: true });
  });
});

describe('combinations: every check runs, failures are listed in the documented order', () => {
  const payout = payoutAt('sandbox', 'sbx_po_3');
  const failing: Record<OwnershipCheck, Partial<OwnershipClaim>> = {
    provider: { provider: 'stripe' },
    provider_reference: { providerReference: 'sbx_po_4' },
    amount: { amountMinor: 1 },
    currency: { currency: 'USD' },
  };
  // Every non-empty subset of the four checks.
  const subsets = Array.from({ length: 2 ** OWNERSHIP_CHECKS.length - 1 }, (_, i) =>
    OWNERSHIP_CHECKS.filter((_, bit) => ((i + 1) >> bit) & 1),
  );
  it.each(subsets.map((s) => [s.join(' + '), s] as const))('%s', (_name, checks) => {
    const claim: OwnershipClaim = Object.assign({ provider: 'sandbox' }, ...checks.map((c) => failing[c]));
    const verdict = checkEventOwnership(payout, claim);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.mismatches.map((m) => m.check)).toEqual(checks);
  });
  it('the order is provider, provider_reference, amount, currency', () =>
    expect(OWNERSHIP_CHECKS).toEqual(['provider', 'provider_reference', 'amount', 'currency']));
});

describe('codes and messages', () => {
  it.each([
    [
      { check: 'provider', payout: 'sandbox', claimed: 'stripe' },
      'provider_mismatch',
      "provider stripe is not the payout's provider sandbox",
    ],
    [
      { check: 'provider_reference', payout: 'sbx_po_3', claimed: 'sbx_po_4' },
      'provider_reference_mismatch',
      "provider reference sbx_po_4 is not the payout's reference sbx_po_3",
    ],
    [
      { check: 'provider_reference', payout: null, claimed: 'sbx_po_4', heldBy: 'po_P4' },
      'provider_reference_mismatch',
      'provider reference sbx_po_4 already belongs to payout po_P4',
    ],
    [
      { check: 'amount', payout: 12_500, claimed: 1 },
      'amount_mismatch',
      "amount 1 is not the payout's amount 12500 (minor units)",
    ],
    [
      { check: 'currency', payout: 'EUR', claimed: 'USD' },
      'currency_mismatch',
      "currency USD is not the payout's currency EUR",
    ],
  ] as const)('%j → %s', (mismatch, code, message) => {
    expect(mismatchCodeOf(mismatch)).toBe(code);
    expect(describeMismatch(mismatch)).toBe(message);
  });
});

describe('which sources must carry a claim', () => {
  const expected: Record<(typeof TRANSITION_SOURCES)[number], boolean> = {
    api: false,
    provider_webhook: true,
    poller: true,
    operator: false,
    submitter: false,
    sweeper: false,
  };
  it.each(TRANSITION_SOURCES.map((s) => [s, expected[s]] as const))('%s → %s', (source, checked) =>
    expect(isOwnershipCheckedSource(source)).toBe(checked),
  );
});

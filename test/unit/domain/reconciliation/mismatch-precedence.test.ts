import { describe, expect, it } from 'vitest';
import {
  RECONCILIATION_CATEGORIES,
  ownerOf,
  type MismatchCategory,
} from '../../../../functions/domain/reconciliation/categories';
import { classifyOrphan, classifyPayout } from '../../../../functions/domain/reconciliation/classify';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import { MISMATCH_PRECEDENCE, dominantMismatch } from '../../../../functions/domain/reconciliation/precedence';
import type { ReportRow } from '../../../../functions/domain/reconciliation/report';
import { payout, rowFor } from '../../../support/reconciliation-fixtures';

// A row records every mismatch it has, and its category and owner come from one
// order of precedence in which a status contradiction beats any amount, currency or fee difference.

/** The kinds that can share a row: every comparison of a payout with a provider row that claims it. */
const CO_OCCURRING = [
  'status_mismatch',
  'batch_item_status_mismatch',
  'reversed_after_paid',
  'duplicate_at_provider',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'missing_provider_reference',
] as const;
type Kind = (typeof CO_OCCURRING)[number];

/**
 * One payout and its provider rows with exactly the given kinds of disagreement. Each kind touches
 * its own fields; where two would touch the same one, the second takes its other honest form:
 * - the provider's batch against its item: a batch in transit while the item is paid or reversed,
 *   a batch paid while the item is in transit (issue 13: before, this was a status_mismatch, and was
 *   how a status mismatch shared a row with a reversal; now the two cannot share one);
 * - amount next to a currency mismatch: our ledger disagrees with our payout (minor units of two
 *   currencies are never compared).
 */
function scenario(kinds: ReadonlySet<Kind>): {
  ours: ReconPayout;
  rows: ReportRow[];
  matchedBy: 'provider_reference' | 'payout_id';
} {
  const base = payout(1, { status: 'paid', feeMinor: 25 });
  let ours: ReconPayout = base;
  let row: Omit<ReportRow, 'line'> = rowFor(base);
  if (kinds.has('reversed_after_paid')) row = { ...row, status: 'reversed' };
  if (kinds.has('status_mismatch')) row = { ...row, status: 'in_transit', settledAt: undefined };
  if (kinds.has('batch_item_status_mismatch'))
    row = { ...row, batchStatus: row.status === 'in_transit' ? 'paid' : 'in_transit' };
  if (kinds.has('currency_mismatch')) row = { ...row, currency: 'EUR' };
  if (kinds.has('amount_mismatch')) {
    if (kinds.has('currency_mismatch')) ours = { ...ours, ledgerAmountMinor: ours.amountMinor + 1 };
    else row = { ...row, grossMinor: row.grossMinor + 100, netMinor: row.netMinor + 100 };
  }
  // The probe's one cent.
  if (kinds.has('fee_mismatch')) row = { ...row, feeMinor: row.feeMinor + 1, netMinor: row.netMinor - 1 };
  if (kinds.has('missing_provider_reference')) ours = { ...ours, providerReference: undefined };
  const copies = kinds.has('duplicate_at_provider') ? 2 : 1;
  const rows = Array.from({ length: copies }, (_, i) => ({ ...row, line: i + 2 }) as ReportRow);
  return { ours, rows, matchedBy: kinds.has('missing_provider_reference') ? 'payout_id' : 'provider_reference' };
}

/**
 * Every pair of kinds that can share a row, with the category and owner that must win, written out
 * by hand (not computed from MISMATCH_PRECEDENCE, so the test can disagree with the code).
 * Absent, because they cannot share a row: currency_mismatch with fee_mismatch (a fee in another
 * currency is not compared), status_mismatch with reversed_after_paid (ours paid, the provider's
 * reversed is the latter alone), and missing_at_provider / missing_internally with anything (no
 * provider row, or no payout, to compare).
 */
const PAIRS: ReadonlyArray<readonly [Kind, Kind, MismatchCategory, 'ops' | 'finance' | 'provider']> = [
  ['status_mismatch', 'batch_item_status_mismatch', 'status_mismatch', 'ops'],
  ['batch_item_status_mismatch', 'reversed_after_paid', 'batch_item_status_mismatch', 'provider'],
  ['batch_item_status_mismatch', 'duplicate_at_provider', 'batch_item_status_mismatch', 'provider'],
  ['batch_item_status_mismatch', 'amount_mismatch', 'batch_item_status_mismatch', 'provider'],
  ['batch_item_status_mismatch', 'currency_mismatch', 'batch_item_status_mismatch', 'provider'],
  ['batch_item_status_mismatch', 'fee_mismatch', 'batch_item_status_mismatch', 'provider'],
  ['batch_item_status_mismatch', 'missing_provider_reference', 'batch_item_status_mismatch', 'provider'],
  ['status_mismatch', 'duplicate_at_provider', 'status_mismatch', 'ops'],
  ['status_mismatch', 'amount_mismatch', 'status_mismatch', 'ops'],
  ['status_mismatch', 'currency_mismatch', 'status_mismatch', 'ops'],
  ['status_mismatch', 'fee_mismatch', 'status_mismatch', 'ops'],
  ['status_mismatch', 'missing_provider_reference', 'status_mismatch', 'ops'],
  ['reversed_after_paid', 'duplicate_at_provider', 'reversed_after_paid', 'finance'],
  ['reversed_after_paid', 'amount_mismatch', 'reversed_after_paid', 'finance'],
  ['reversed_after_paid', 'currency_mismatch', 'reversed_after_paid', 'finance'],
  ['reversed_after_paid', 'fee_mismatch', 'reversed_after_paid', 'finance'],
  ['reversed_after_paid', 'missing_provider_reference', 'reversed_after_paid', 'finance'],
  ['duplicate_at_provider', 'amount_mismatch', 'duplicate_at_provider', 'provider'],
  ['duplicate_at_provider', 'currency_mismatch', 'duplicate_at_provider', 'provider'],
  ['duplicate_at_provider', 'fee_mismatch', 'duplicate_at_provider', 'provider'],
  ['duplicate_at_provider', 'missing_provider_reference', 'duplicate_at_provider', 'provider'],
  ['amount_mismatch', 'currency_mismatch', 'amount_mismatch', 'finance'],
  ['amount_mismatch', 'fee_mismatch', 'amount_mismatch', 'finance'],
  ['amount_mismatch', 'missing_provider_reference', 'amount_mismatch', 'finance'],
  ['currency_mismatch', 'missing_provider_reference', 'currency_mismatch', 'finance'],
  ['fee_mismatch', 'missing_provider_reference', 'fee_mismatch', 'finance'],
];
const CANNOT_SHARE_A_ROW: ReadonlyArray<readonly [Kind, Kind]> = [
  ['currency_mismatch', 'fee_mismatch'],
  // Paid here and reversed there is reversed_after_paid, never also a status_mismatch.
  ['status_mismatch', 'reversed_after_paid'],
];

describe('mismatch precedence: the one order', () => {
  it('ranks every mismatch category, status before amount before currency before fee', () => {
    expect(MISMATCH_PRECEDENCE).toEqual([
      'missing_internally',
      'missing_at_provider',
      'status_mismatch',
      'batch_item_status_mismatch',
      'reversed_after_paid',
      'duplicate_at_provider',
      'amount_mismatch',
      'currency_mismatch',
      'fee_mismatch',
      'missing_provider_reference',
    ]);
    const mismatchCategories = RECONCILIATION_CATEGORIES.filter((c) => c !== 'matched' && c !== 'failed');
    expect([...MISMATCH_PRECEDENCE].sort()).toEqual([...mismatchCategories].sort());
  });

  it('picks the earlier of every ordered pair, whichever comes first in the list', () => {
    MISMATCH_PRECEDENCE.forEach((a, i) =>
      MISMATCH_PRECEDENCE.forEach((b, j) => {
        if (a === b) return;
        const winner = i < j ? a : b;
        expect([a, b, dominantMismatch([a, b]), dominantMismatch([b, a])]).toEqual([a, b, winner, winner]);
      }),
    );
    expect(dominantMismatch([])).toBeUndefined();
  });
});

describe('mismatch precedence: every pair that can share a row, through the classifier', () => {
  it('the table covers every pair of co-occurring kinds exactly once', () => {
    const key = (a: Kind, b: Kind) => [a, b].sort().join('+');
    const listed = [...PAIRS.map(([a, b]) => key(a, b)), ...CANNOT_SHARE_A_ROW.map(([a, b]) => key(a, b))].sort();
    const all = CO_OCCURRING.flatMap((a, i) => CO_OCCURRING.slice(i + 1).map((b) => key(a, b))).sort();
    expect(listed).toEqual(all);
  });

  it('each kind alone is its own category (the scenario builder injects what it says)', () => {
    for (const kind of CO_OCCURRING) {
      const { ours, rows, matchedBy } = scenario(new Set([kind]));
      expect([kind, classifyPayout(ours, rows, matchedBy).mismatches]).toEqual([kind, [kind]]);
    }
  });

  for (const [a, b, dominant, owner] of PAIRS) {
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      it(`${first} + ${second} → ${dominant} (${owner}), both recorded`, () => {
        const { ours, rows, matchedBy } = scenario(new Set([first, second]));
        const row = classifyPayout(ours, rows, matchedBy);
        const other = dominant === a ? b : a;
        expect(row.category).toBe(dominant);
        expect(
          row.category === null || row.category === 'matched' || row.category === 'failed'
            ? undefined
            : ownerOf(row.category),
        ).toBe(owner);
        expect(row.mismatches).toEqual([dominant, other]);
        expect(row.matchStatus).toBe('unmatched');
        expect(row.detail.startsWith(`${dominant}: `)).toBe(true);
        expect(row.detail).toContain(`; ${other}: `);
      });
    }
  }

  it('a currency mismatch compares no fee: the pair that cannot share a row does not', () => {
    const { ours, rows, matchedBy } = scenario(new Set(['currency_mismatch', 'fee_mismatch'] as const));
    expect(classifyPayout(ours, rows, matchedBy).mismatches).toEqual(['currency_mismatch']);
  });

  it('missing on either side stands alone', () => {
    expect(classifyPayout(payout(2), [], 'none')).toMatchObject({
      category: 'missing_at_provider',
      mismatches: ['missing_at_provider'],
    });
    const orphan = classifyOrphan({ ...rowFor(payout(3)), payoutId: undefined, line: 2 } as ReportRow);
    expect(orphan).toMatchObject({ category: 'missing_internally', mismatches: ['missing_internally'] });
  });

  it('the probe: paid here, in transit at the provider, one cent of fee apart → status_mismatch for ops', () => {
    const ours = payout(4, { status: 'paid', feeMinor: 25 });
    const row = { ...rowFor(ours, { status: 'in_transit', feeMinor: 26, settledAt: undefined }), line: 2 } as ReportRow;
    const classified = classifyPayout(ours, [row], 'provider_reference');
    expect([classified.category, classified.mismatches, ownerOf('status_mismatch')]).toEqual([
      'status_mismatch',
      ['status_mismatch', 'fee_mismatch'],
      'ops',
    ]);
    expect(classified.detail).toBe(
      'status_mismatch: ours paid, provider in_transit; fee_mismatch: ours 0.25, provider 0.26',
    );
  });

  it('matched and failed rows have no mismatches', () => {
    const ok = payout(5);
    expect(classifyPayout(ok, [{ ...rowFor(ok), line: 2 }], 'provider_reference')).toMatchObject({
      category: 'matched',
      mismatches: [],
    });
    const failed = payout(6, { status: 'failed' });
    expect(classifyPayout(failed, [{ ...rowFor(failed), line: 2 }], 'provider_reference')).toMatchObject({
      category: 'failed',
      mismatches: [],
    });
  });
});

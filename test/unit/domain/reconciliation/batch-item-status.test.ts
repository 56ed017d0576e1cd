import { describe, expect, it } from 'vitest';
import { ownerOf, slaSecondsOf } from '../../../../functions/domain/reconciliation/categories';
import { batchContradictsItem, classifyPayout } from '../../../../functions/domain/reconciliation/classify';
import type { PayoutStatus } from '../../../../functions/domain/lifecycle';
import {
  PROVIDER_STATUSES,
  type ProviderStatus,
  type ReportRow,
} from '../../../../functions/domain/reconciliation/report';
import { failureSourceOfException } from '../../../../functions/domain/failure-source';
import { payout, rowFor } from '../../../support/reconciliation-fixtures';

// batch_item_status_mismatch: the provider's batch status contradicts its own item's. Every
// (batch status × item status) pair, written out by hand (not computed from batchContradictsItem,
// so the test can disagree with the code). X: the two cannot both be true.
//
//   batch \ item   pending  in_transit  paid  failed  canceled  reversed
//   pending           .        .         X      .        .         X      an item moved before its batch
//   in_transit        .        .         X      .        .         X
//   paid              X        X         .      X        X         .      settled, yet an item in flight or unpaid
//   failed            X        X         X      .        .         X      settled unpaid, an item in flight or moved
//   canceled          X        X         X      .        .         X
//   reversed          X        X         X      X        X         .      came back, an item paid, unpaid or in flight
const X = true;
const _ = false;
const TABLE: Readonly<Record<ProviderStatus, readonly boolean[]>> = {
  pending: [_, _, X, _, _, X],
  in_transit: [_, _, X, _, _, X],
  paid: [X, X, _, X, X, _],
  failed: [X, X, X, _, _, X],
  canceled: [X, X, X, _, _, X],
  reversed: [X, X, X, X, X, _],
};

/** Our status that agrees with the provider's item status (statusesAgree), so only the batch can disagree. */
const AGREEING: Readonly<Record<ProviderStatus, PayoutStatus>> = {
  pending: 'pending',
  in_transit: 'pending',
  paid: 'paid',
  failed: 'failed',
  canceled: 'canceled',
  reversed: 'reversed',
};

const PAIRS = PROVIDER_STATUSES.flatMap((batch) =>
  PROVIDER_STATUSES.map((item, i) => [batch, item, TABLE[batch][i]!] as const),
);

function classified(ours: PayoutStatus, item: ProviderStatus, batch: ProviderStatus | undefined) {
  const p = payout(1, { status: ours });
  const row = { ...rowFor(p, { status: item, batchStatus: batch, batchId: 'sbx_batch_7' }), line: 2 } as ReportRow;
  return classifyPayout(p, [row], 'provider_reference');
}

describe('batch_item_status_mismatch: the provider batch against its own item', () => {
  it('the table has every pair once', () => {
    expect(PAIRS).toHaveLength(PROVIDER_STATUSES.length ** 2);
  });

  it.each(PAIRS)('batch %s, item %s: contradiction %s', (batch, item, contradicts) => {
    expect(batchContradictsItem(batch, item)).toBe(contradicts);
  });

  it.each(PAIRS)('batch %s, item %s, ours agreeing with the item → its own category, or none', (batch, item, x) => {
    const row = classified(AGREEING[item], item, batch);
    if (x) {
      expect([row.category, row.mismatches, row.matchStatus]).toEqual([
        'batch_item_status_mismatch',
        ['batch_item_status_mismatch'],
        'unmatched',
      ]);
      expect(row.detail).toBe(`provider batch sbx_batch_7 is ${batch} while the item is ${item}`);
    } else {
      expect(row.mismatches).toEqual([]);
      expect(row.category).toBe(item === 'failed' ? 'failed' : 'matched');
    }
  });

  it('no batch status: nothing to contradict', () => {
    for (const item of PROVIDER_STATUSES) expect(classified(AGREEING[item], item, undefined).mismatches).toEqual([]);
  });

  it('is apart from status_mismatch: ours disagreeing with the item is that, and it dominates', () => {
    // Paid here, the item failed at the provider, its batch paid: two different contradictions.
    const row = classified('paid', 'failed', 'paid');
    expect([row.category, row.mismatches]).toEqual([
      'status_mismatch',
      ['status_mismatch', 'batch_item_status_mismatch'],
    ]);
    expect(row.detail).toBe(
      'status_mismatch: ours paid, provider failed; ' +
        'batch_item_status_mismatch: provider batch sbx_batch_7 is paid while the item is failed',
    );
    // Ours agrees with a paid batch but not with the failed item: still the item we compare with.
    expect(classified('failed', 'failed', 'paid').category).toBe('batch_item_status_mismatch');
  });

  it('is owned by provider support, on an 8-hour clock, with the provider as its failure source', () => {
    expect([
      ownerOf('batch_item_status_mismatch'),
      slaSecondsOf('batch_item_status_mismatch'),
      failureSourceOfException('batch_item_status_mismatch'),
    ]).toEqual(['provider', 8 * 3_600, 'provider']);
  });
});

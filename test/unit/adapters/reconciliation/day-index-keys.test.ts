import { describe, expect, it } from 'vitest';
import {
  RECON_DAY_SHARDS,
  payoutFromItem,
  payoutItem,
  reconDayIndexKeys,
  reconDayShardOf,
} from '../../../../functions/adapters/payout-items';
import { reconPayoutOf } from '../../../../functions/adapters/reconciliation/payouts-source';
import type { Payout } from '../../../../functions/domain/payout';
import { RECON_DAY_INDEX_ATTRIBUTES } from '../../../../lib/defaults/dynamodb-defaults';

// The reconciliation day index (gsi4): its keys, and that what reconciliation reads of a payout is
// all in the index's INCLUDE projection (an attribute read but not projected would silently be
// undefined on the day path and present on the lookup path).
const base: Payout = {
  payoutId: 'po_01M89XYK2HYNJ4KXP901EKYA5S',
  tenantId: 'acme',
  idempotencyKey: 'k',
  status: 'paid',
  version: 3,
  amountMinor: 100,
  feeMinor: 2,
  currency: 'EUR',
  provider: 'sandbox',
  providerReference: 'sbx_1',
  metadata: { batch_id: 'b_1', note: 'n' },
  destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
  recipient: { name: 'A' },
  requestIds: ['req_1'],
  createdAt: '2026-11-24T23:59:59.999Z',
  lastEventAt: '2026-11-25T00:10:00.000Z',
} as Payout;

describe('reconciliation day index keys', () => {
  it.each([
    ['2026-11-24T00:00:00.000Z', '2026-11-24'],
    ['2026-11-24T23:59:59.999Z', '2026-11-24'],
    ['2026-11-25T00:00:00.000Z', '2026-11-25'],
  ])('a payout created at %s is in day %s', (createdAt, day) => {
    const keys = reconDayIndexKeys({ payoutId: base.payoutId, createdAt });
    expect(keys.gsi4pk).toMatch(new RegExp(`^DAY#${day}#\\d{2}$`));
    expect(keys.gsi4sk).toBe(`${createdAt}#${base.payoutId}`);
  });

  it('the shard is stable per payout and spreads payouts over every shard', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `po_${i.toString(36).padStart(26, '0')}`);
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(reconDayShardOf(id), (counts.get(reconDayShardOf(id)) ?? 0) + 1);
    expect(counts.size).toBe(RECON_DAY_SHARDS);
    expect(Math.max(...counts.values())).toBeLessThan((2 * ids.length) / RECON_DAY_SHARDS);
    expect(reconDayShardOf(base.payoutId)).toBe(reconDayShardOf(base.payoutId));
  });

  it('the payout item carries the keys, and payoutFromItem drops them and the journal copy', () => {
    const item = payoutItem(base);
    expect(item).toMatchObject(reconDayIndexKeys(base));
    expect(payoutFromItem(item)).toEqual(base);
    const withCopy = { ...item, ledgerEntries: [], ledgerEntriesComplete: true };
    expect(payoutFromItem(withCopy)).toEqual(base);
  });

  it('reconPayoutOf reads only attributes the gsi4 projection holds, and maps a projected item as a whole one', () => {
    const read = new Set<string>();
    const watched = new Proxy(base, { get: (target, name) => (read.add(String(name)), Reflect.get(target, name)) });
    reconPayoutOf(watched);
    const projected = new Set<string>(RECON_DAY_INDEX_ATTRIBUTES);
    expect([...read].filter((name) => !projected.has(name))).toEqual([]);
    const item = payoutItem(base);
    const indexItem = Object.fromEntries(
      Object.entries(item).filter(([name]) => projected.has(name) || /^(pk|sk|gsi4pk|gsi4sk)$/.test(name)),
    );
    expect(reconPayoutOf(payoutFromItem(indexItem))).toEqual(reconPayoutOf(payoutFromItem(item)));
  });

  it("a batch item's identity is in the projection: the day path sees payout_batch_id and sender_batch_id", () => {
    const item = payoutItem({
      ...base,
      batch: { batchId: 'bat_01JDX', senderBatchId: 'payroll-11', senderItemId: 'item-7' },
    });
    const projected = new Set<string>(RECON_DAY_INDEX_ATTRIBUTES);
    const indexItem = Object.fromEntries(Object.entries(item).filter(([name]) => projected.has(name)));
    expect(reconPayoutOf(payoutFromItem(indexItem))).toMatchObject({
      payoutBatchId: 'bat_01JDX',
      senderBatchId: 'payroll-11',
    });
    expect(reconPayoutOf(base)).not.toHaveProperty('payoutBatchId');
  });

  it("a PayPal item's transaction id is in the projection: the day path matches PayPal's TRR on it", () => {
    const item = payoutItem({ ...base, provider: 'paypal', providerReference: 'I1', providerTransactionId: 'T1' });
    const projected = new Set<string>(RECON_DAY_INDEX_ATTRIBUTES);
    const indexItem = Object.fromEntries(Object.entries(item).filter(([name]) => projected.has(name)));
    expect(reconPayoutOf(payoutFromItem(indexItem))).toMatchObject({
      providerReference: 'I1',
      providerTransactionId: 'T1',
    });
  });
});

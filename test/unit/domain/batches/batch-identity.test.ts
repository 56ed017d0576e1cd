import { describe, expect, it } from 'vitest';
import {
  batchContentHash,
  batchIdWindowEndsAt,
  batchItemIdempotencyKey,
  batchItemPayoutId,
  isWithinBatchIdWindow,
} from '../../../../functions/domain/batches/batch-identity';
import { BATCH_ID_WINDOW_DAYS, BATCH_ITEMS_MAX } from '../../../../functions/domain/batches/batch-limits';
import { isPayoutId } from '../../../../functions/shared/ids';

const identity = { tenantId: 'acme', senderBatchId: 'payroll-2026-11', senderItemId: 'emp-0001' };

describe('batch item identity', () => {
  it('maps (tenant, sender_batch_id, sender_item_id) to one well-formed payout id, always the same', () => {
    const payoutId = batchItemPayoutId(identity);
    expect(isPayoutId(payoutId)).toBe(true);
    expect(batchItemPayoutId({ ...identity })).toBe(payoutId);
  });

  it.each([
    ['another tenant', { ...identity, tenantId: 'globex' }],
    ['another batch id', { ...identity, senderBatchId: 'payroll-2026-12' }],
    ['another item id', { ...identity, senderItemId: 'emp-0002' }],
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    [
      'the same characters split differently',
      { ...identity, senderBatchId: 'payroll-2026-11e', senderItemId: 'mp-0001' },
    ],
  ])('%s is another payout', (_name, other) => {
    expect(batchItemPayoutId(other)).not.toBe(batchItemPayoutId(identity));
  });

  it('gives distinct, valid ids over a whole batch', () => {
    const ids = new Set<string>();
    for (let i = 0; i < BATCH_ITEMS_MAX; i++) ids.add(batchItemPayoutId({ ...identity, senderItemId: `item-${i}` }));
    expect(ids.size).toBe(BATCH_ITEMS_MAX);
    expect([...ids].every(isPayoutId)).toBe(true);
  });

  it('names the idempotency key by batch and item', () => {
    expect(batchItemIdempotencyKey(identity)).toBe('batch/payroll-2026-11/emp-0001');
  });
});

describe('batch content hash', () => {
  const a = { sender_item_id: 'a', amount: 100, currency: 'EUR' };
  const b = { sender_item_id: 'b', amount: 200, currency: 'EUR' };

  it('is the same for the same items in any order and any key order', () => {
    expect(batchContentHash([a, b])).toBe(batchContentHash([{ currency: 'EUR', amount: 200, sender_item_id: 'b' }, a]));
  });

  it.each([
    ['an amount', [a, { ...b, amount: 201 }]],
    ['a currency', [a, { ...b, currency: 'USD' }]],
    ['an extra item', [a, b, { ...b, sender_item_id: 'c' }]],
    ['a missing item', [a]],
    ['an added optional field', [a, { ...b, description: 'x' }]],
  ])('differs for %s', (_name, items) => {
    expect(batchContentHash(items)).not.toBe(batchContentHash([a, b]));
  });
});

describe('the batch id window', () => {
  const accepted = '2026-11-01T00:00:00.000Z';
  const DAY_MS = 86_400_000;
  const at = (ms: number) => new Date(Date.parse(accepted) + ms).toISOString();

  it('is 30 days, held against the config', () => {
    expect(BATCH_ID_WINDOW_DAYS).toBe(30);
    expect(batchIdWindowEndsAt(accepted)).toBe(at(BATCH_ID_WINDOW_DAYS * DAY_MS));
  });

  it.each([
    ['at acceptance', 0, true],
    ['29 days later', 29 * DAY_MS, true],
    ['one millisecond before the end', BATCH_ID_WINDOW_DAYS * DAY_MS - 1, true],
    ['exactly at the end', BATCH_ID_WINDOW_DAYS * DAY_MS, false],
    ['31 days later', 31 * DAY_MS, false],
  ])('%s → within: %s', (_name, offsetMs, within) => {
    expect(isWithinBatchIdWindow(accepted, at(offsetMs))).toBe(within);
  });
});

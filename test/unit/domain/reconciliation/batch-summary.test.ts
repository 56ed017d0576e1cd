import { describe, expect, it } from 'vitest';
import {
  BATCH_FAILED_IDS_MAX,
  BatchSummaryAccumulator,
  RUN_RECORD_BATCHES_MAX,
  RUN_RECORD_BATCH_FAILED_IDS_MAX,
  type BatchRows,
} from '../../../../functions/domain/reconciliation/batch-summary';
import { classifyPayout } from '../../../../functions/domain/reconciliation/classify';
import type { ReportRow } from '../../../../functions/domain/reconciliation/report';
import { SummaryAccumulator } from '../../../../functions/domain/reconciliation/summary';
import { DATE, payout, rowFor } from '../../../support/reconciliation-fixtures';

// summary.json's `batches`: per batch, per currency the items' count and total, the paid and the
// failed; the failed slice (ids, bounded); the same bytes whatever order the rows come in. The engine's
// two paths (SQL-agreed rows, domain rows) are held to it in test/unit/adapters/reconciliation/engine-batches.test.ts.

const item = (over: Partial<BatchRows>): BatchRows => ({
  payoutBatchId: 'bat_A',
  senderBatchId: 'payroll-A',
  currency: 'USD',
  status: 'paid',
  count: 1,
  amountMinor: 100,
  ...over,
});

describe('batch summary', () => {
  it.each([
    ['one paid item', [item({})], { count: 1, total_minor: 100, total: '1.00' }, [1, 100], [0, 0]],
    [
      'a failed item',
      [item({ status: 'failed', amountMinor: 250 })],
      { count: 1, total_minor: 250, total: '2.50' },
      [0, 0],
      [1, 250],
    ],
    [
      'an item in flight: neither paid nor failed',
      [item({ status: 'pending' })],
      { count: 1, total_minor: 100, total: '1.00' },
      [0, 0],
      [0, 0],
    ],
    [
      'agreed groups and single rows add up',
      [item({ count: 3, amountMinor: 300 }), item({ status: 'failed', amountMinor: 7 }), item({ status: 'reversed' })],
      { count: 5, total_minor: 407, total: '4.07' },
      [3, 300],
      [1, 7],
    ],
  ] as const)('%s', (_name, rows, items, [paidCount, paidMinor], [failedCount, failedMinor]) => {
    const acc = new BatchSummaryAccumulator();
    rows.forEach((r) => acc.add(r));
    const usd = acc.toJson()['bat_A']!.currencies['USD']!;
    expect(usd).toMatchObject(items);
    expect([usd.paid.count, usd.paid.total_minor, usd.failed.count, usd.failed.total_minor]).toEqual([
      paidCount,
      paidMinor,
      failedCount,
      failedMinor,
    ]);
  });

  it('keeps currencies apart and formats each with its exponent', () => {
    const acc = new BatchSummaryAccumulator();
    acc.add(item({ currency: 'JPY', amountMinor: 1000 }));
    acc.add(item({ currency: 'BHD', amountMinor: 1005, status: 'failed' }));
    const json = acc.toJson()['bat_A']!;
    expect(Object.keys(json.currencies)).toEqual(['BHD', 'JPY']);
    expect([json.currencies['JPY']!.total, json.currencies['BHD']!.failed.total]).toEqual(['1000', '1.005']);
  });

  it(`lists the ${BATCH_FAILED_IDS_MAX} smallest failed ids, counts the rest, whatever the order`, () => {
    const ids = Array.from({ length: BATCH_FAILED_IDS_MAX + 20 }, (_, i) => `po_${String(i).padStart(4, '0')}`);
    const forward = new BatchSummaryAccumulator();
    const backward = new BatchSummaryAccumulator();
    for (const id of ids) (forward.add(item({ status: 'failed' })), forward.addFailedIds('bat_A', 'payroll-A', [id]));
    backward.add(item({ status: 'failed', count: ids.length, amountMinor: 100 * ids.length }));
    backward.addFailedIds('bat_A', 'payroll-A', [...ids].reverse().slice(0, 60));
    backward.addFailedIds('bat_A', 'payroll-A', [...ids].reverse().slice(60));
    const failed = forward.toJson()['bat_A']!.failed_items;
    expect([failed.count, failed.payout_ids.length, failed.truncated]).toEqual([
      ids.length,
      BATCH_FAILED_IDS_MAX,
      true,
    ]);
    expect(failed.payout_ids).toEqual(ids.slice(0, BATCH_FAILED_IDS_MAX));
    expect(JSON.stringify(backward.toJson())).toBe(JSON.stringify(forward.toJson()));
    const short = forward.toJson(RUN_RECORD_BATCHES_MAX, RUN_RECORD_BATCH_FAILED_IDS_MAX)['bat_A']!.failed_items;
    expect(short.payout_ids).toEqual(ids.slice(0, RUN_RECORD_BATCH_FAILED_IDS_MAX));
  });

  it(`the run record shows the first ${RUN_RECORD_BATCHES_MAX} batches by id; summary.json all of them`, () => {
    const acc = new BatchSummaryAccumulator();
    for (let b = RUN_RECORD_BATCHES_MAX + 5; b > 0; b -= 1)
      acc.add(item({ payoutBatchId: `bat_${String(b).padStart(3, '0')}` }));
    expect(Object.keys(acc.toJson())).toHaveLength(RUN_RECORD_BATCHES_MAX + 5);
    const shown = Object.keys(acc.toJson(RUN_RECORD_BATCHES_MAX, RUN_RECORD_BATCH_FAILED_IDS_MAX));
    expect([shown.length, shown[0], acc.batchCount]).toEqual([
      RUN_RECORD_BATCHES_MAX,
      'bat_001',
      RUN_RECORD_BATCHES_MAX + 5,
    ]);
  });

  it('summary.json has no batches for a day without batch items, and counts() carries them bounded', () => {
    const summary = new SummaryAccumulator();
    const p = payout(1);
    summary.add(classifyPayout(p, [{ ...rowFor(p), line: 2 } as ReportRow], 'provider_reference'));
    expect(JSON.parse(summary.toJson(DATE)).batches).toEqual({});
    expect([summary.counts().batchesTotal, summary.counts().batches]).toEqual([0, {}]);
  });
});

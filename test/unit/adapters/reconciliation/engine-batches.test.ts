import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine } from '../../../../functions/adapters/reconciliation/engine';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import { DATE, bytesOf, payout, reportCsv, rowFor, streamOf } from '../../../support/reconciliation-fixtures';

// summary.json's `batches` through the engine: rows SQL agrees on (summed in DuckDB) and rows the
// domain classifies (one by one) add up to the same per-batch totals and failed slice.

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('batch summary through the engine: SQL-agreed rows and domain rows add up alike', () => {
  it('every item of the batch counted once, failed ones listed, whichever path classified them', async () => {
    const ofBatch = (n: number, over: Partial<ReconPayout> = {}) =>
      payout(n, { payoutBatchId: 'bat_B', senderBatchId: 'payroll-B', ...over });
    const agreedPaid = [1, 2, 3].map((n) => ofBatch(n));
    const agreedFailed = ofBatch(4, { status: 'failed', feeMinor: 0 });
    const feeApart = ofBatch(5); // paid, one cent of fee apart: the domain classifies it
    const failedInPaidBatch = ofBatch(6, { status: 'failed', feeMinor: 0 }); // batch paid, item failed: the domain
    const other = payout(7); // no batch
    const csv = reportCsv([
      ...agreedPaid.map((p) => rowFor(p)),
      rowFor(agreedFailed),
      rowFor(feeApart, { feeMinor: 26 }),
      rowFor(failedInPaidBatch, { batchStatus: 'paid' }),
      rowFor(other),
    ]);
    const outputDir = mkdtempSync(join(tmpdir(), 'recon-batch-'));
    dirs.push(outputDir);
    const payouts = [...agreedPaid, agreedFailed, feeApart, failedInPaidBatch, other];
    const result = await runEngine(
      { date: DATE, report: bytesOf(csv, 64), payouts: streamOf(payouts), outputDir, partitions: 4 },
      { openException: async (_row, ref) => `exc_${ref.dedupKey.length}` },
    );
    const summary = JSON.parse(readFileSync(join(outputDir, 'summary.json'), 'utf8'));
    const amount = (ps: ReconPayout[]) => ps.reduce((sum, p) => sum + p.amountMinor, 0);
    const paid = [...agreedPaid, feeApart];
    const failed = [agreedFailed, failedInPaidBatch];
    expect(summary.batches).toEqual({
      bat_B: {
        sender_batch_id: 'payroll-B',
        currencies: {
          USD: {
            count: 6,
            total_minor: amount([...paid, ...failed]),
            total: expect.any(String),
            paid: { count: 4, total_minor: amount(paid), total: expect.any(String) },
            failed: { count: 2, total_minor: amount(failed), total: expect.any(String) },
          },
        },
        failed_items: { count: 2, payout_ids: ['po_000004', 'po_000006'], truncated: false },
      },
    });
    expect(result.counts.batchesTotal).toBe(1);
    expect(result.counts.batches).toEqual(summary.batches);
  });
});

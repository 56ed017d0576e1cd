import { formatDecimal, type CurrencyCode } from '../money';
import type { PayoutStatus } from '../lifecycle';

/**
 * summary.json's `batches`: per batch of ours (POST /batches) whose items are rows of the day's
 * export, per currency the items' count and total, the paid and the failed among them, and the
 * failed slice — the failed items' payout ids, so a batch called complete can never hide its
 * failures (docs/finance.md). Keys in a fixed order, batches and ids sorted: the same inputs give the
 * same bytes.
 */

/** Failed payout ids listed per batch in summary.json; past it they are counted, not listed. */
export const BATCH_FAILED_IDS_MAX = 100;
/**
 * What the run record (GET /reconciliations/{date}) shows of the batches: a DynamoDB item holds at
 * most 400 KB, so the first batches by id, each with a shorter failed slice (~1 KB a batch); all of
 * them are in summary.json.
 */
export const RUN_RECORD_BATCHES_MAX = 50;
export const RUN_RECORD_BATCH_FAILED_IDS_MAX = 20;

interface Totals {
  count: number;
  totalMinor: number;
}
interface BatchCurrency {
  items: Totals;
  paid: Totals;
  failed: Totals;
}
interface BatchTotals {
  readonly senderBatchId: string;
  readonly currencies: Map<CurrencyCode, BatchCurrency>;
  failedCount: number;
  /** Sorted, at most BATCH_FAILED_IDS_MAX: the smallest ids, whatever order the rows came in. */
  failedIds: string[];
}

/** One batch item's row, or (count > 1) agreed rows of one batch, currency and status summed by SQL. */
export interface BatchRows {
  readonly payoutBatchId: string;
  readonly senderBatchId: string;
  readonly currency: CurrencyCode;
  readonly status: PayoutStatus;
  readonly count: number;
  readonly amountMinor: number;
}

/** A bucket as summary.json writes it. */
export interface BucketJson {
  count: number;
  total_minor: number;
  total: string;
}
export interface BatchJson {
  sender_batch_id: string;
  currencies: Record<string, BucketJson & { paid: BucketJson; failed: BucketJson }>;
  failed_items: { count: number; payout_ids: string[]; truncated: boolean };
}

function addTo(totals: Totals, count: number, minor: number): void {
  totals.count += count;
  totals.totalMinor += minor;
  if (!Number.isSafeInteger(totals.totalMinor)) throw new Error('batch total exceeds the safe integer range');
}

const bucketJson = (t: Totals, currency: CurrencyCode): BucketJson => ({
  count: t.count,
  total_minor: t.totalMinor,
  total: formatDecimal(t.totalMinor, currency),
});

export class BatchSummaryAccumulator {
  private readonly batches = new Map<string, BatchTotals>();

  add(rows: BatchRows): void {
    const batch = this.batchOf(rows.payoutBatchId, rows.senderBatchId);
    let currency = batch.currencies.get(rows.currency);
    if (currency === undefined) {
      const zero = (): Totals => ({ count: 0, totalMinor: 0 });
      batch.currencies.set(rows.currency, (currency = { items: zero(), paid: zero(), failed: zero() }));
    }
    addTo(currency.items, rows.count, rows.amountMinor);
    if (rows.status === 'paid') addTo(currency.paid, rows.count, rows.amountMinor);
    if (rows.status === 'failed') {
      addTo(currency.failed, rows.count, rows.amountMinor);
      batch.failedCount += rows.count;
    }
  }

  /** Failed payouts' ids of a batch (counted by add, listed here): kept sorted, cut at the limit. */
  addFailedIds(payoutBatchId: string, senderBatchId: string, payoutIds: readonly string[]): void {
    const batch = this.batchOf(payoutBatchId, senderBatchId);
    batch.failedIds = [...new Set([...batch.failedIds, ...payoutIds])]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, BATCH_FAILED_IDS_MAX);
  }

  get batchCount(): number {
    return this.batches.size;
  }

  /** Every batch (summary.json), or the first `batchesMax` by id with shorter slices (the run record). */
  toJson(batchesMax = Number.POSITIVE_INFINITY, failedIdsMax = BATCH_FAILED_IDS_MAX): Record<string, BatchJson> {
    const ids = [...this.batches.keys()].sort().slice(0, batchesMax);
    return Object.fromEntries(
      ids.map((payoutBatchId) => {
        const batch = this.batches.get(payoutBatchId)!;
        const currencies = [...batch.currencies.keys()].sort().map((code) => {
          const c = batch.currencies.get(code)!;
          return [
            code,
            { ...bucketJson(c.items, code), paid: bucketJson(c.paid, code), failed: bucketJson(c.failed, code) },
          ];
        });
        const listed = batch.failedIds.slice(0, Math.min(failedIdsMax, BATCH_FAILED_IDS_MAX));
        const failedItems = {
          count: batch.failedCount,
          payout_ids: listed,
          truncated: batch.failedCount > listed.length,
        };
        const json: BatchJson = {
          sender_batch_id: batch.senderBatchId,
          currencies: Object.fromEntries(currencies),
          failed_items: failedItems,
        };
        return [payoutBatchId, json];
      }),
    );
  }

  private batchOf(payoutBatchId: string, senderBatchId: string): BatchTotals {
    let batch = this.batches.get(payoutBatchId);
    if (batch === undefined) {
      batch = { senderBatchId, currencies: new Map(), failedCount: 0, failedIds: [] };
      this.batches.set(payoutBatchId, batch);
    }
    return batch;
  }
}

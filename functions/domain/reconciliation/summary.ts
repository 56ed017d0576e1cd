import { assertNever } from '../assert-never';
import { formatDecimal, type CurrencyCode } from '../money';
import type { PayoutStatus } from '../lifecycle';
import { RECONCILIATION_CATEGORIES, type ReconciliationCategory } from './categories';
import type { ReconRow } from './matching-types';
import {
  BatchSummaryAccumulator,
  RUN_RECORD_BATCHES_MAX,
  RUN_RECORD_BATCH_FAILED_IDS_MAX,
  type BatchJson,
  type BatchRows,
} from './batch-summary';

/**
 * summary.json, per currency: what we attempted, paid, failed, reversed and still have in transit
 * (counts and totals of our payouts), fees, matched and unmatched counts, and a count per category;
 * then per batch of ours its totals and failed slice (batch-summary.ts). Keys are emitted in a fixed
 * order so the file is byte-identical for the same inputs.
 */
interface Bucket {
  count: number;
  totalMinor: number;
}
interface CurrencySummary {
  attempted: Bucket;
  paid: Bucket;
  failed: Bucket;
  reversed: Bucket;
  in_transit: Bucket;
  not_submitted: Bucket;
  fees: Bucket;
  matched: number;
  unmatched: number;
  categories: Record<ReconciliationCategory, number>;
}

const empty = (): CurrencySummary => ({
  attempted: { count: 0, totalMinor: 0 },
  paid: { count: 0, totalMinor: 0 },
  failed: { count: 0, totalMinor: 0 },
  reversed: { count: 0, totalMinor: 0 },
  in_transit: { count: 0, totalMinor: 0 },
  not_submitted: { count: 0, totalMinor: 0 },
  fees: { count: 0, totalMinor: 0 },
  matched: 0,
  unmatched: 0,
  categories: Object.fromEntries(RECONCILIATION_CATEGORIES.map((c) => [c, 0])) as Record<
    ReconciliationCategory,
    number
  >,
});

function add(bucket: Bucket, minor: number): void {
  addMany(bucket, 1, minor);
}

function addMany(bucket: Bucket, count: number, minor: number): void {
  bucket.count += count;
  bucket.totalMinor += minor;
  if (!Number.isSafeInteger(bucket.totalMinor)) throw new Error('summary total exceeds the safe integer range');
}

/** Agreed rows of one currency and payout status: how many, their amounts, how many have a fee, and the fees. */
export interface AgreedGroup {
  readonly currency: CurrencyCode;
  readonly status: PayoutStatus;
  readonly count: number;
  readonly amountMinor: number;
  readonly feeCount: number;
  readonly feeMinor: number;
}

/** Agreed rows of one batch, currency and status (SQL's sums, like AgreedGroup's, per batch). */
export type AgreedBatchGroup = BatchRows;

export class SummaryAccumulator {
  private readonly byCurrency = new Map<CurrencyCode, CurrencySummary>();
  private readonly batches = new BatchSummaryAccumulator();
  private rows = 0;

  add(row: ReconRow): void {
    this.rows += 1;
    const currency = row.payout?.currency ?? row.report!.currency;
    let summary = this.byCurrency.get(currency);
    if (summary === undefined) this.byCurrency.set(currency, (summary = empty()));
    if (row.category !== null) summary.categories[row.category] += 1;
    if (row.matchStatus === 'matched') summary.matched += 1;
    if (row.matchStatus === 'unmatched') summary.unmatched += 1;
    const p = row.payout;
    if (p === undefined) return;
    if (p.payoutBatchId !== undefined) {
      const batch = { payoutBatchId: p.payoutBatchId, senderBatchId: p.senderBatchId ?? '' };
      this.batches.add({ ...batch, currency: p.currency, status: p.status, count: 1, amountMinor: p.amountMinor });
      if (p.status === 'failed') this.batches.addFailedIds(batch.payoutBatchId, batch.senderBatchId, [p.payoutId]);
    }
    add(summary.attempted, p.amountMinor);
    const fee = p.ledgerFeeMinor ?? p.feeMinor ?? row.report?.feeMinor;
    if (fee !== undefined && row.matchStatus !== 'not_submitted') add(summary.fees, fee);
    switch (p.status) {
      case 'paid':
        return add(summary.paid, p.amountMinor);
      case 'failed':
        return add(summary.failed, p.amountMinor);
      case 'reversed':
        return add(summary.reversed, p.amountMinor);
      case 'submitted':
      case 'accepted':
      case 'pending':
        return add(summary.in_transit, p.amountMinor);
      case 'requires_approval':
      case 'canceled':
        return add(summary.not_submitted, p.amountMinor);
      default:
        return assertNever(p.status, 'payout status');
    }
  }

  /**
   * Rows both sides agree on, summed by SQL per currency and status (adapters/reconciliation/recon-store.ts):
   * the same additions add() makes for each of them — matched, a category of `failed` for a failed
   * payout, else `matched`, its amount under attempted and its status, its fee when it has one.
   */
  addAgreed(group: AgreedGroup): void {
    this.rows += group.count;
    let summary = this.byCurrency.get(group.currency);
    if (summary === undefined) this.byCurrency.set(group.currency, (summary = empty()));
    summary.categories[group.status === 'failed' ? 'failed' : 'matched'] += group.count;
    summary.matched += group.count;
    addMany(summary.attempted, group.count, group.amountMinor);
    if (group.feeCount > 0) addMany(summary.fees, group.feeCount, group.feeMinor);
    addMany(this.statusBucket(summary, group.status), group.count, group.amountMinor);
  }

  /**
   * The agreed rows of batch items, summed by SQL per batch, currency and status, and the agreed
   * failed items' ids per batch (the smallest BATCH_FAILED_IDS_MAX): their share of `batches`. The
   * rows themselves were counted by addAgreed already.
   */
  addAgreedBatch(group: AgreedBatchGroup): void {
    this.batches.add(group);
  }

  addAgreedFailedIds(payoutBatchId: string, senderBatchId: string, payoutIds: readonly string[]): void {
    this.batches.addFailedIds(payoutBatchId, senderBatchId, payoutIds);
  }

  private statusBucket(summary: CurrencySummary, status: PayoutStatus): Bucket {
    switch (status) {
      case 'paid':
        return summary.paid;
      case 'failed':
        return summary.failed;
      case 'reversed':
        return summary.reversed;
      case 'submitted':
      case 'accepted':
      case 'pending':
        return summary.in_transit;
      case 'requires_approval':
      case 'canceled':
        return summary.not_submitted;
      default:
        return assertNever(status, 'payout status');
    }
  }

  get rowCount(): number {
    return this.rows;
  }

  /**
   * Totals across currencies, for the run record: counts only (amounts never mix currencies), and the
   * batches as summary.json has them, cut to what a run record may hold (batch-summary.ts).
   */
  counts(): {
    rows: number;
    matched: number;
    unmatched: number;
    categories: Record<ReconciliationCategory, number>;
    batchesTotal: number;
    batches: Record<string, BatchJson>;
  } {
    const categories = empty().categories;
    let matched = 0;
    let unmatched = 0;
    for (const summary of this.byCurrency.values()) {
      matched += summary.matched;
      unmatched += summary.unmatched;
      for (const c of RECONCILIATION_CATEGORIES) categories[c] += summary.categories[c];
    }
    const batches = this.batches.toJson(RUN_RECORD_BATCHES_MAX, RUN_RECORD_BATCH_FAILED_IDS_MAX);
    return { rows: this.rows, matched, unmatched, categories, batchesTotal: this.batches.batchCount, batches };
  }

  toJson(date: string): string {
    const currencies = [...this.byCurrency.keys()].sort();
    const bucket = (b: Bucket, currency: CurrencyCode) => ({
      count: b.count,
      total_minor: b.totalMinor,
      total: formatDecimal(b.totalMinor, currency),
    });
    const body = {
      date,
      rows: this.rows,
      currencies: Object.fromEntries(
        currencies.map((currency) => {
          const s = this.byCurrency.get(currency)!;
          return [
            currency,
            {
              attempted: bucket(s.attempted, currency),
              paid: bucket(s.paid, currency),
              failed: bucket(s.failed, currency),
              reversed: bucket(s.reversed, currency),
              in_transit: bucket(s.in_transit, currency),
              not_submitted: bucket(s.not_submitted, currency),
              fees: bucket(s.fees, currency),
              matched: s.matched,
              unmatched: s.unmatched,
              categories: s.categories,
            },
          ];
        }),
      ),
      batches: this.batches.toJson(),
    };
    return `${JSON.stringify(body, null, 2)}\n`;
  }
}

import { approvalRequirement, type ApprovalPolicy, type PrincipalRef } from '../approval';
import type { CurrencyCode } from '../money';

/**
 * A batch as stored (issue 13). Its status is not here: it is derived from its items
 * (batch-status.ts). Its items are grouped in chunks of BATCH_CHUNK_ITEMS by their position in
 * `sender_item_id` order, so the chunking is a function of the content alone: a resubmission of the
 * same items in another order writes the same item records, and one fan-out message is one chunk.
 */
export const BATCH_CHUNK_ITEMS = 100;

export interface BatchCurrencyTotal {
  readonly currency: CurrencyCode;
  readonly amountMinor: number;
  readonly itemCount: number;
}

export interface BatchApproval {
  /** The currencies whose total met the tenant's threshold (null: no threshold for it, fail closed). */
  readonly thresholds: ReadonlyArray<{ readonly currency: CurrencyCode; readonly thresholdMinor: number | null }>;
  readonly decision?: { readonly kind: 'approved'; readonly by: PrincipalRef; readonly at: string };
}

export interface Batch {
  readonly batchId: string;
  readonly tenantId: string;
  readonly senderBatchId: string;
  readonly contentHash: string;
  readonly itemCount: number;
  readonly chunkCount: number;
  readonly totals: readonly BatchCurrencyTotal[];
  readonly createdBy: PrincipalRef;
  /** The creator's access-matrix role, for the payouts' audit records. */
  readonly createdByRole: string;
  readonly createdAt: string;
  readonly requestId: string;
  /** Present when a currency total met the threshold: no item is fanned out until it is approved. */
  readonly approval?: BatchApproval;
  /** Set once the fan-out messages were sent; a replay re-sends them while it is absent. */
  readonly fanOutEnqueuedAt?: string;
  /**
   * Where the validated items wait to be materialised (app/batches/batch-items-object.ts): the
   * object's key and, per chunk, its first byte (chunkCount + 1 offsets). Absent on a batch whose
   * accept wrote its item records itself (before the items moved out of the request).
   */
  readonly itemsObjectKey?: string;
  readonly chunkByteOffsets?: readonly number[];
}

/** Items in chunk `chunk` of a batch of `itemCount` (the last chunk may be short). */
export function chunkSizeOf(itemCount: number, chunk: number): number {
  return Math.max(0, Math.min(BATCH_CHUNK_ITEMS, itemCount - chunk * BATCH_CHUNK_ITEMS));
}

/** The items of a batch sorted by `sender_item_id`, grouped into chunks: item → its chunk number. */
export function chunkOf(positionInIdOrder: number): number {
  return Math.floor(positionInIdOrder / BATCH_CHUNK_ITEMS);
}

export function chunkCountOf(itemCount: number): number {
  return Math.ceil(itemCount / BATCH_CHUNK_ITEMS);
}

/** Per currency, the sum and count of the items, in the currencies' first-seen order. */
export function currencyTotals(
  items: ReadonlyArray<{ readonly currency: CurrencyCode; readonly amountMinor: number }>,
): BatchCurrencyTotal[] {
  const totals = new Map<CurrencyCode, { amountMinor: number; itemCount: number }>();
  for (const item of items) {
    const total = totals.get(item.currency) ?? { amountMinor: 0, itemCount: 0 };
    total.amountMinor += item.amountMinor;
    total.itemCount += 1;
    totals.set(item.currency, total);
  }
  return [...totals].map(([currency, total]) => ({ currency, ...total }));
}

/**
 * Four eyes for a batch: every currency whose total is at or over the tenant's threshold (or has
 * no threshold: fail closed, as for one payout) needs the one approval of the whole batch. Totals,
 * not items: splitting a large payment run into small items must not step around the approver.
 */
export function batchApprovalThresholds(
  policy: ApprovalPolicy,
  totals: readonly BatchCurrencyTotal[],
): BatchApproval['thresholds'] {
  const met: Array<{ currency: CurrencyCode; thresholdMinor: number | null }> = [];
  for (const total of totals) {
    const requirement = approvalRequirement(policy, total.currency, total.amountMinor);
    if (requirement.required) met.push({ currency: total.currency, thresholdMinor: requirement.thresholdMinor });
  }
  return met;
}

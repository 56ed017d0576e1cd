import { assertNever } from '../assert-never';
import { PAYOUT_STATUSES, type PayoutStatus } from '../lifecycle';

/**
 * Batch status is derived from its items' statuses, never stored beside them as a rival truth
 * (issue 13: "do not let batch-level status hide item-level outcomes").
 *
 * An item's status is its payout's status once the fan-out created the payout, or one of two
 * statuses of its own before that: `received` (accepted, not yet fanned out, or waiting for the
 * batch's approval) and `rejected` (a business failure of that item alone: corridor not enabled,
 * invalid account details; no payout was created).
 */
export const BATCH_ITEM_STATUSES = ['received', 'rejected', ...PAYOUT_STATUSES] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

export const BATCH_STATUSES = ['received', 'processing', 'completed', 'completed_with_failures', 'canceled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** What one item's status means for its batch. */
export type ItemOutcome = 'not_started' | 'in_flight' | 'succeeded' | 'failed' | 'canceled';

export function itemOutcome(status: BatchItemStatus): ItemOutcome {
  switch (status) {
    case 'received':
      return 'not_started';
    case 'requires_approval':
    case 'submitted':
    case 'accepted':
    case 'pending':
      return 'in_flight';
    case 'paid':
      return 'succeeded';
    // Paid, then returned by the bank: the recipient did not keep the money.
    case 'reversed':
    case 'failed':
    case 'rejected':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return assertNever(status, 'batch item status');
  }
}

/** Items per status; a status absent from the map counts zero. */
export type BatchItemCounts = Readonly<Partial<Record<BatchItemStatus, number>>>;

/**
 * The batch's status from its item counts:
 * - no items counted (not yet written) or every item `received` → `received`;
 * - any item not final (received or in flight) beside a started one → `processing`;
 * - every item final: all canceled → `canceled`; all paid → `completed`; else `completed_with_failures`
 *   (a canceled item beside paid ones is a failure of the batch: that recipient was not paid).
 */
export function deriveBatchStatus(counts: BatchItemCounts): BatchStatus {
  const byOutcome: Record<ItemOutcome, number> = { not_started: 0, in_flight: 0, succeeded: 0, failed: 0, canceled: 0 };
  for (const status of BATCH_ITEM_STATUSES) byOutcome[itemOutcome(status)] += counts[status] ?? 0;
  const total = Object.values(byOutcome).reduce((sum, n) => sum + n, 0);
  if (total === byOutcome.not_started) return 'received';
  if (byOutcome.not_started + byOutcome.in_flight > 0) return 'processing';
  if (byOutcome.canceled === total) return 'canceled';
  if (byOutcome.succeeded === total) return 'completed';
  return 'completed_with_failures';
}

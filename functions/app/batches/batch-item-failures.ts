import type { BatchExceptionGroups } from '../../adapters/batch-exception-groups';
import { openBatchGroup } from '../../domain/batches/batch-exceptions';
import { failureCodeOf, failureSourceOfPayout } from '../../domain/failure-source';
import type { Payout } from '../../domain/payout';

/**
 * A batch item whose payout fails after the fan-out (the provider's `failed`, a submission refusal)
 * joins its batch's exception group of its failure source, like the fan-out's own rejections
 * (batch-fan-out.ts): 3,000 items failed by the provider are one readable exception, not 3,000
 * silent payouts. The member write is conditional on its absence (adapters/batch-exception-groups.ts),
 * so a redelivered event counts nothing twice.
 */
export interface FailedItemDeps {
  readonly groups: Pick<BatchExceptionGroups, 'addItem'>;
  /** A consistent read: the payout as the transition left it (a duplicate event carries no payout). */
  getPayoutById(payoutId: string): Promise<Payout | undefined>;
}

/**
 * Counts `payout` (or, when only its id is known — a duplicate delivery after a crash between the
 * transition and this count — the payout read back) into its group when it is a failed batch item.
 */
export async function countFailedBatchItem(
  deps: FailedItemDeps | undefined,
  known: Payout | { payoutId: string },
  at: string,
): Promise<'counted' | 'already_counted' | 'not_a_failed_item'> {
  if (deps === undefined) return 'not_a_failed_item';
  const payout = 'status' in known ? known : await deps.getPayoutById(known.payoutId);
  if (payout === undefined || payout.batch === undefined || payout.status !== 'failed') return 'not_a_failed_item';
  const source = failureSourceOfPayout(payout) ?? 'provider';
  const facts = {
    batchId: payout.batch.batchId,
    senderBatchId: payout.batch.senderBatchId,
    tenantId: payout.tenantId,
    source,
  };
  const outcome = await deps.groups.addItem(openBatchGroup(facts, at), {
    senderItemId: payout.batch.senderItemId,
    payoutId: payout.payoutId,
    code: payout.statusReason === undefined ? 'provider_failed' : failureCodeOf(payout.statusReason),
    // The payout is final: a new payout (a batch retry of a retryable item) is how it is paid.
    category: 'terminal',
    message: payout.statusReason ?? 'the provider reported the payout failed and gave no reason',
    at,
  });
  return outcome === 'added' ? 'counted' : 'already_counted';
}

import { assertNever } from '../assert-never';
import type { ErrorCategory } from '../domain-error';

/**
 * Which rejected items a batch retry (POST /batches/{id}/retry) moves back to `received`, by the
 * category of their rejection:
 * - retryable: a transient refusal; the same item may pass now;
 * - human_action_required: waited on a person (a policy-gated corridor, a refused write) whom the
 *   batch operator's retry says has acted; if not, the item is rejected again, nothing is paid;
 * - terminal: the item itself is wrong (an invalid IBAN, a corridor that is not enabled, an identity
 *   already used): retrying the same content cannot change the answer.
 * Items with a payout are never moved: a paid or pending payout is the provider's, and a failed one
 * is terminal in the lifecycle (a second attempt under the same identity is not built; docs/batches.md).
 */
export function isRetryableRejection(category: ErrorCategory): boolean {
  switch (category) {
    case 'retryable':
    case 'human_action_required':
      return true;
    case 'terminal':
      return false;
    default:
      return assertNever(category, 'error category');
  }
}

/** Items one retry moves at most; a larger backlog takes another call (the answer says `remaining`). */
export const BATCH_RETRY_ITEMS_MAX = 15_000;

import { assertNever } from './assert-never';
import type { PayoutStatus } from './lifecycle';

/**
 * What the tenant's cancel (POST /payouts/{payoutId}/cancel) does in each status (issue 10):
 * - `local`: no provider has accepted the payout (awaiting approval, or submitted and unanswered):
 *   `cancel_requested` moves it to canceled, releasing in_transit in the same transaction;
 * - `ask_provider`: the provider holds it: ask the provider to cancel; its confirmation is applied
 *   as `provider_canceled`, checked for ownership like any provider word;
 * - `too_late`: the money arrived (paid): 409 cancel_too_late, human_action_required — a reversal is
 *   the way back;
 * - `final`: already failed, canceled or reversed: 409 invalid_transition.
 * The lifecycle table says the same of `cancel_requested` (T for local, forbidden or stale else);
 * test/unit/domain/cancellation.test.ts holds the two equal.
 */
export type CancelPath = 'local' | 'ask_provider' | 'too_late' | 'final';

export function cancelPathOf(status: PayoutStatus): CancelPath {
  switch (status) {
    case 'requires_approval':
    case 'submitted':
      return 'local';
    case 'accepted':
    case 'pending':
      return 'ask_provider';
    case 'paid':
      return 'too_late';
    case 'reversed':
    case 'failed':
    case 'canceled':
      return 'final';
    default:
      return assertNever(status, 'payout status');
  }
}

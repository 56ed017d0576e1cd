import { assertNever } from './assert-never';
import { samePrincipal, type PrincipalRef } from './approval';
import type { PayoutStatus } from './lifecycle';

/**
 * Reversal of a paid payout (issue 10). Triggering and approving are different authorities: the
 * tenant backend (`payouts:reverse`) opens the request, a second principal of the tenant
 * (`payouts:approve`) approves or rejects it, and only then is it sent to the provider. The payout
 * stays `paid` throughout; `paid → reversed` (with settled → available) happens when the provider
 * confirms the return, by webhook or poll, through the event-ownership rule like any provider word.
 *
 *   requested ──approve──► approved ──provider_accepted──► sent ···(payout reversed)···► completed
 *       └──reject──► rejected             └──provider_refused──► refused
 *
 * `completed` is not stored: it is the payout's own `reversed` status seen from the request, so the
 * two can never disagree (the batch rule of DESIGN §3: derived, never a rival truth).
 */
export const REVERSAL_STATUSES = ['requested', 'approved', 'sent', 'rejected', 'refused'] as const;
export type ReversalStatus = (typeof REVERSAL_STATUSES)[number];

export const REVERSAL_EVENTS = ['approve', 'reject', 'provider_accepted', 'provider_refused'] as const;
export type ReversalEvent = (typeof REVERSAL_EVENTS)[number];

export type ReversalDecision =
  | { readonly kind: 'transition'; readonly to: ReversalStatus }
  /** Already there (a provider's repeated acceptance): nothing to do. */
  | { readonly kind: 'stale' }
  | { readonly kind: 'refused' };

const T = (to: ReversalStatus): ReversalDecision => ({ kind: 'transition', to });
const STALE: ReversalDecision = { kind: 'stale' };
const NO: ReversalDecision = { kind: 'refused' };

/** Every status × event, written out (the payout lifecycle's rule). */
export const REVERSAL_TABLE: Readonly<Record<ReversalStatus, Readonly<Record<ReversalEvent, ReversalDecision>>>> = {
  requested: { approve: T('approved'), reject: T('rejected'), provider_accepted: NO, provider_refused: NO },
  approved: { approve: NO, reject: NO, provider_accepted: T('sent'), provider_refused: T('refused') },
  sent: { approve: NO, reject: NO, provider_accepted: STALE, provider_refused: NO },
  rejected: { approve: NO, reject: NO, provider_accepted: NO, provider_refused: NO },
  refused: { approve: NO, reject: NO, provider_accepted: NO, provider_refused: NO },
};

export function decideReversal(status: ReversalStatus, event: ReversalEvent): ReversalDecision {
  return REVERSAL_TABLE[status][event];
}

/** Open: a second request of the same payout is refused until this one is rejected or refused. */
export function isReversalOpen(status: ReversalStatus): boolean {
  switch (status) {
    case 'requested':
    case 'approved':
    case 'sent':
      return true;
    case 'rejected':
    case 'refused':
      return false;
    default:
      return assertNever(status, 'reversal status');
  }
}

/** The reversal request as stored on the payout item (the latest one; earlier ones are in the timeline). */
export interface PayoutReversal {
  readonly reversalId: string;
  readonly status: ReversalStatus;
  readonly reason: string;
  readonly requestedBy: PrincipalRef;
  readonly requestedAt: string;
  readonly updatedAt: string;
  readonly decidedBy?: PrincipalRef;
  readonly decidedAt?: string;
  readonly note?: string;
  readonly rejectionReason?: string;
  readonly sentAt?: string;
  /** The provider's refusal, when it would not return the payout. */
  readonly refusal?: { readonly code: string; readonly message: string };
}

export type ReversalRequestRefusal = 'payout_not_paid' | 'reversal_already_open';

/** Only a paid payout can be reversed, and only one request at a time. */
export function reversalRequestRefusal(payout: {
  readonly status: PayoutStatus;
  readonly reversal?: PayoutReversal;
}): ReversalRequestRefusal | undefined {
  if (payout.status !== 'paid') return 'payout_not_paid';
  if (payout.reversal !== undefined && isReversalOpen(payout.reversal.status)) return 'reversal_already_open';
  return undefined;
}

export type ReversalDecisionRefusal =
  'reversal_not_found' | 'invalid_transition' | 'self_approval_forbidden' | 'payout_not_paid';

/**
 * The refusals of an approve or reject of a reversal, in their order of precedence: the request
 * must be the payout's current one (404), still `requested` (409 invalid_transition), decided by
 * another principal than the one who requested it (403), and the payout still `paid` (409).
 */
export function reversalDecisionRefusal(
  payout: { readonly status: PayoutStatus; readonly reversal?: PayoutReversal },
  reversalId: string,
  event: 'approve' | 'reject',
  decider: PrincipalRef,
): ReversalDecisionRefusal | undefined {
  const reversal = payout.reversal;
  if (reversal === undefined || reversal.reversalId !== reversalId) return 'reversal_not_found';
  if (decideReversal(reversal.status, event).kind !== 'transition') return 'invalid_transition';
  if (samePrincipal(reversal.requestedBy, decider)) return 'self_approval_forbidden';
  if (payout.status !== 'paid') return 'payout_not_paid';
  return undefined;
}

/** What GET /payouts/{id} shows: the stored status, or `completed` once the payout is reversed. */
export type ReversalView = ReversalStatus | 'completed';

export function reversalViewStatus(payoutStatus: PayoutStatus, reversal: PayoutReversal): ReversalView {
  return payoutStatus === 'reversed' && reversal.status === 'sent' ? 'completed' : reversal.status;
}

/** A reversal awaiting the provider (approved, not yet sent; or sent, not yet confirmed) is re-checked by the sweeper. */
export function isReversalInFlight(payoutStatus: PayoutStatus, reversal: PayoutReversal | undefined): boolean {
  if (payoutStatus !== 'paid' || reversal === undefined) return false;
  return reversal.status === 'approved' || reversal.status === 'sent';
}

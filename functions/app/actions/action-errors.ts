import type { ApprovalRefusal } from '../../domain/approval';
import { assertNever } from '../../domain/assert-never';
import type { PayoutStatus } from '../../domain/lifecycle';
import type { ReversalDecisionRefusal, ReversalRequestRefusal } from '../../domain/reversal';
import { ApiError, notFound } from '../../http/api-error';

/**
 * The refusals of the tenant's payout actions as API errors (DESIGN §3 body). Each is thrown from
 * inside the idempotent section, so it is neither stored nor written: a refusal changes no state,
 * and a retry with the same key is decided again on the payout as it is then.
 */
/** How long a caller waits before retrying an action the provider could not answer. */
export const PROVIDER_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const conflict = (code: string, category: ApiError['category'], message: string) =>
  new ApiError({ status: 409, type: 'conflict_error', code, category, message });

export const invalidTransition = (action: string, status: PayoutStatus) =>
  conflict('invalid_transition', 'terminal', `a payout in status ${status} cannot be ${action}`);

export function approvalRefused(
  refusal: ApprovalRefusal,
  action: 'approved' | 'rejected',
  status: PayoutStatus,
): ApiError {
  switch (refusal) {
    case 'invalid_transition':
      return conflict(
        'invalid_transition',
        'terminal',
        `only a payout in status requires_approval can be ${action}; this one is ${status}`,
      );
    case 'self_approval_forbidden':
      return selfApprovalForbidden('the principal that created the payout');
    case 'approval_expired':
      return conflict(
        'approval_expired',
        'terminal',
        'the approval expired; the payout is canceled by the sweeper, create a new one if it is still wanted',
      );
    default:
      return assertNever(refusal, 'approval refusal');
  }
}

export function selfApprovalForbidden(who: string): ApiError {
  return new ApiError({
    status: 403,
    type: 'permission_error',
    code: 'self_approval_forbidden',
    category: 'terminal',
    message: `four eyes: ${who} cannot decide it; another principal of the tenant must`,
  });
}

export function reversalRequestRefused(refusal: ReversalRequestRefusal, status: PayoutStatus): ApiError {
  switch (refusal) {
    case 'payout_not_paid':
      return conflict('payout_not_paid', 'terminal', `only a paid payout can be reversed; this one is ${status}`);
    case 'reversal_already_open':
      return conflict(
        'reversal_already_open',
        'terminal',
        'a reversal of this payout is already requested; it must be rejected before another is opened',
      );
    default:
      return assertNever(refusal, 'reversal request refusal');
  }
}

export function reversalDecisionRefused(refusal: ReversalDecisionRefusal, status: PayoutStatus): ApiError {
  switch (refusal) {
    case 'reversal_not_found':
      return notFound('reversal');
    case 'invalid_transition':
      return conflict(
        'invalid_transition',
        'terminal',
        'only a requested reversal can be approved or rejected; this one was decided already',
      );
    case 'self_approval_forbidden':
      return selfApprovalForbidden('the principal that requested the reversal');
    case 'payout_not_paid':
      return conflict('payout_not_paid', 'terminal', `the payout is ${status}, no longer paid`);
    default:
      return assertNever(refusal, 'reversal decision refusal');
  }
}

export const cancelTooLate = (why: string) =>
  conflict(
    'cancel_too_late',
    'human_action_required',
    `the payout can no longer be canceled: ${why}. Once it is paid, request a reversal`,
  );

/** Someone else changed the payout between our read and our write: the same request may succeed now. */
export const payoutChanged = () =>
  conflict(
    'payout_changed',
    'retryable',
    'the payout changed while the request was applied; retry with the same Idempotency-Key',
  );

export const providerUnavailable = (provider: string, cause: unknown) =>
  new ApiError({
    status: 503,
    type: 'api_error',
    code: 'provider_unavailable',
    category: 'retryable',
    message: `the provider ${provider} did not answer; nothing was changed, retry with the same Idempotency-Key`,
    headers: { 'retry-after': String(PROVIDER_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    cause,
  });

import { AuditChainContendedError } from '../../adapters/audit-trail';
import type { TransactItem } from '../../adapters/ledger-writes';
import { CorrectionChangedError, PayoutChangedError } from '../../adapters/corrections-repository';
import { assertNever } from '../../domain/assert-never';
import { DomainError } from '../../domain/domain-error';
import { ApiError, fromDomainError } from '../../http/api-error';
import { TRANSIENT_FAILURE_RETRY_AFTER_SECONDS } from '../../http/internal-error';
import { approveCorrection, rejectCorrection } from './review';
import { proposeCorrection } from './propose';
import {
  correctionNotProposed,
  payoutChanged,
  type ActionResult,
  type CorrectionActionInput,
  type CorrectionsDeps,
} from './action-types';

export type { ActionResult, CorrectionActionInput, CorrectionsDeps, RunCorrectionAction } from './action-types';

/**
 * Runs one action, its writes carrying `lock` (the action key lock, action-types.ts), and throws
 * every refusal as the ApiError the caller can act on; a success is returned.
 */
export async function executeCorrectionAction(
  deps: CorrectionsDeps,
  input: CorrectionActionInput,
  lock: TransactItem,
): Promise<ActionResult> {
  try {
    switch (input.action) {
      case 'propose':
        return await proposeCorrection(deps, input, lock);
      case 'approve':
        return await approveCorrection(deps, input, lock);
      case 'reject':
        return await rejectCorrection(deps, input, lock);
      default:
        return assertNever(input, 'correction action');
    }
  } catch (error) {
    // Nothing was written, and a retry may well succeed.
    if (error instanceof AuditChainContendedError) throw chainBusy(error);
    throw refusalOf(error) ?? error;
  }
}

/** The payout's audit chain kept moving under every attempt (other writers): 503, retryable. */
function chainBusy(cause: AuditChainContendedError): ApiError {
  return new ApiError({
    status: 503,
    type: 'api_error',
    code: 'temporarily_unavailable',
    category: 'retryable',
    message: "the payout's audit trail is busy; nothing was written, retry shortly",
    headers: { 'retry-after': String(TRANSIENT_FAILURE_RETRY_AFTER_SECONDS) },
    cause,
  });
}

/** The caller's refusals as ApiErrors; anything else is not an answer to store. */
function refusalOf(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) {
    const http = httpOfDomainCode(error.code);
    if (http === undefined) return fromDomainError(error);
    return new ApiError({ ...http, code: error.code, category: error.category, message: error.message, cause: error });
  }
  if (error instanceof PayoutChangedError)
    return payoutChanged('retryable', 'the payout changed while this was written; retry');
  if (error instanceof CorrectionChangedError) return correctionNotProposed();
  return undefined;
}

/** Refusals that depend on the payout's or the record's state are conflicts (409); four-eyes is a 403. */
function httpOfDomainCode(code: string): { status: number; type: 'permission_error' | 'conflict_error' } | undefined {
  switch (code) {
    case 'self_approval_forbidden':
      return { status: 403, type: 'permission_error' };
    case 'correction_no_change':
    case 'correction_target_not_allowed':
    case 'correction_awaiting_approval':
    case 'correction_not_proposed':
    case 'payout_changed':
      return { status: 409, type: 'conflict_error' };
    default:
      return undefined;
  }
}

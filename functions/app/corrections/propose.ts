import type { TransactItem } from '../../adapters/ledger-writes';
import { correctionProposedEntry } from '../../domain/correction-audit';
import {
  adjustmentRefusal,
  CorrectionError,
  describeRefusal,
  statusCorrectionRule,
  type CorrectionRecord,
} from '../../domain/corrections';
import { ApiError, notFound } from '../../http/api-error';
import { correctionView } from '../../http/correction-view';
import type { ActionResult, CorrectionActionInput, CorrectionsDeps } from './action-types';
import { operatorAuditActor } from '../../http/operator';

type ProposeInput = Extract<CorrectionActionInput, { action: 'propose' }>;

/**
 * POST /ops/payouts/{payoutId}/corrections. Refusals in order: the payout (404) → the correction's
 * rule for the payout's status (409: STATUS_CORRECTIONS, or no adjustment before the tenant's
 * approval) → an adjustment outside the payout's currency (422). Then one transaction: the record
 * (state proposed, with the payout's status and version as the proposer saw them) and its audit
 * record (`correction.proposed`, the payout's chain, the operator as actor), conditional on the payout
 * still being at that version. Nothing moves yet.
 */
export async function proposeCorrection(
  deps: CorrectionsDeps,
  input: ProposeInput,
  lock: TransactItem,
): Promise<ActionResult> {
  const payout = await deps.payouts.getPayoutById(input.payoutId);
  if (payout === undefined) throw notFound('payout');
  const { body } = input;
  if (body.kind === 'status') {
    const rule = statusCorrectionRule(payout.status, body.targetStatus);
    if (rule.kind === 'refused') {
      throw new CorrectionError(rule.code, 'terminal', describeRefusal(rule.code, payout.status, body.targetStatus));
    }
  } else {
    const refusal = adjustmentRefusal(payout.status);
    if (refusal !== undefined) throw new CorrectionError(refusal, 'terminal', describeRefusal(refusal, payout.status));
    // The journal keeps one currency per payout, and reconciliation folds a payout's entries in it.
    const foreign = body.postings.findIndex((leg) => leg.currency !== payout.currency);
    if (foreign >= 0) {
      throw new ApiError({
        status: 422,
        type: 'invalid_request_error',
        code: 'adjustment_currency_mismatch',
        category: 'terminal',
        message: `postings.${foreign}.currency is not the payout's currency ${payout.currency}`,
        param: `postings.${foreign}.currency`,
      });
    }
  }
  const proposedAt = new Date(deps.nowMs()).toISOString();
  const record: CorrectionRecord = {
    correctionId: deps.newCorrectionId(),
    payoutId: payout.payoutId,
    tenantId: payout.tenantId,
    kind: body.kind,
    state: 'proposed',
    ...(body.kind === 'status' ? { targetStatus: body.targetStatus } : { postings: body.postings }),
    reason: body.reason,
    evidence: body.evidence,
    fromStatus: payout.status,
    payoutVersion: payout.version,
    proposedBy: input.operator.subject,
    proposedAt,
    proposedRequestId: input.requestId,
    version: 1,
  };
  const audit = correctionProposedEntry(record, {
    actor: operatorAuditActor(input.operator),
    requestId: input.requestId,
    at: proposedAt,
  });
  await deps.corrections.propose(record, payout, audit, lock);
  return { statusCode: 201, body: correctionView(record) };
}

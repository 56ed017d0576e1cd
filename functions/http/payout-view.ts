import { approvalStateOf, type PayoutApproval } from '../domain/approval';
import { holdsView } from '../domain/compliance/holds';
import { failureSourceOfPayout } from '../domain/failure-source';
import type { Payout, TimelineEntry } from '../domain/payout';
import { investigationFrom, statusCopy } from '../domain/status-copy';
import { reversalViewStatus, type PayoutReversal } from '../domain/reversal';
import type { PayoutView } from './schemas';

/**
 * Stored (camelCase) → shown (snake_case). The destination on a Payout is already masked; the
 * unmasked one lives in its own item that no read path of the API loads.
 */
export function payoutView(payout: Payout): PayoutView {
  return {
    payout_id: payout.payoutId,
    idempotency_key: payout.idempotencyKey,
    provider: payout.provider,
    provider_reference: payout.providerReference ?? null,
    provider_transaction_id: payout.providerTransactionId ?? null,
    amount: payout.amountMinor,
    currency: payout.currency,
    fee: payout.feeMinor ?? null,
    status: payout.status,
    status_reason: payout.statusReason ?? null,
    status_copy: statusCopyView(payout),
    failure_source: failureSourceOfPayout(payout),
    destination: payout.destination,
    recipient: payout.recipient,
    recipient_id: payout.recipientId ?? null,
    description: payout.description ?? null,
    metadata: payout.metadata ?? {},
    created_at: payout.createdAt,
    last_event_at: payout.lastEventAt,
    exception_owner: payout.exceptionOwner ?? null,
    request_ids: payout.requestIds,
    reconciled_at: payout.reconciledAt ?? null,
    approval: payout.approval === undefined ? null : approvalView(payout.approval),
    reversal: payout.reversal === undefined ? null : reversalView(payout, payout.reversal),
    holds: holdsView(payout).map((hold) => ({
      hold_id: hold.holdId,
      kind: hold.kind,
      owner: hold.owner,
      opened_at: hold.openedAt,
      requirement: hold.requirement,
      evidence: hold.evidence,
      released_at: hold.releasedAt ?? null,
      released_by: hold.releasedBy ?? null,
    })),
  };
}

function statusCopyView(payout: Payout): PayoutView['status_copy'] {
  const corridor = { country: payout.destination.country, currency: payout.currency };
  const copy = statusCopy(payout.status, corridor);
  return {
    confirmation: copy.confirmation,
    sentence: copy.sentence,
    recheck_after_seconds: copy.recheckAfterSeconds,
    investigation_after_seconds: copy.investigationAfterSeconds,
    investigation_from: investigationFrom(payout.status, corridor, payout.createdAt),
  };
}

function approvalView(approval: PayoutApproval): NonNullable<PayoutView['approval']> {
  const decision = approval.decision;
  return {
    status: approvalStateOf(approval),
    threshold: approval.thresholdMinor,
    expires_at: approval.expiresAt,
    decided_by: decision !== undefined && decision.kind !== 'expired' ? decision.by.clientId : null,
    decided_at: decision?.at ?? null,
    reason: decision?.kind === 'rejected' ? decision.reason : null,
    note: decision?.kind === 'approved' ? (decision.note ?? null) : null,
  };
}

function reversalView(payout: Payout, reversal: PayoutReversal): NonNullable<PayoutView['reversal']> {
  return {
    reversal_id: reversal.reversalId,
    status: reversalViewStatus(payout.status, reversal),
    reason: reversal.reason,
    requested_by: reversal.requestedBy.clientId,
    requested_at: reversal.requestedAt,
    decided_by: reversal.decidedBy?.clientId ?? null,
    decided_at: reversal.decidedAt ?? null,
    note: reversal.note ?? null,
    rejection_reason: reversal.rejectionReason ?? null,
    sent_at: reversal.sentAt ?? null,
    refusal: reversal.refusal ?? null,
  };
}

export function timelineEntryView(entry: TimelineEntry) {
  return {
    at: entry.at,
    occurred_at: entry.occurredAt,
    event: entry.event,
    outcome: entry.outcome,
    from: entry.from ?? null,
    to: entry.to ?? null,
    source: entry.source,
    source_ref: entry.sourceRef,
    status_reason: entry.statusReason ?? null,
    actor: entry.actor ?? null,
    reversal_id: entry.reversalId ?? null,
  };
}

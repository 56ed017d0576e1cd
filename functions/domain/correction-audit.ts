import type { AuditActor, AuditEntry } from './audit';
import { payoutSubject } from './audit-entries';
import type { CorrectionRecord } from './corrections';
import type { Posting } from './ledger';
import type { Payout } from './payout';

/**
 * The audit entries of manual corrections (docs/audit.md), built in one place. Each is written in
 * the chain of the payout the correction concerns, in the same transaction as the change it records
 * (adapters/corrections-repository.ts): the proposal with its record, the approval with the payout's
 * change and the record, the rejection with the record. The actor is the operator who acted.
 */
export interface CorrectionAuditContext {
  actor: AuditActor;
  /** The Request-Id of the operator's call. */
  requestId: string;
  at: string;
}

function correctionEntry(
  record: CorrectionRecord,
  action: Extract<AuditEntry['action'], `correction.${string}`>,
  context: CorrectionAuditContext,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    at: context.at,
    actor: context.actor,
    action,
    subject: payoutSubject(record.payoutId),
    tenant_id: record.tenantId,
    request_id: context.requestId,
    outcome: 'applied',
    details: { correction_id: record.correctionId, kind: record.kind, ...details },
  };
}

const postingsDetail = (postings: readonly { account: string; currency: string; amountMinor: number }[]) =>
  postings.map((p) => ({ account: p.account, currency: p.currency, amount_minor: p.amountMinor }));

/** A proposal: what it would do, why, on what evidence, and the payout version it was proposed on. */
export function correctionProposedEntry(record: CorrectionRecord, context: CorrectionAuditContext): AuditEntry {
  return correctionEntry(record, 'correction.proposed', context, {
    state: record.state,
    target_status: record.targetStatus,
    postings: record.postings === undefined ? undefined : postingsDetail(record.postings),
    reason: record.reason,
    evidence: { type: record.evidence.type, reference: record.evidence.reference },
    from: record.fromStatus,
    payout_version: record.payoutVersion,
  });
}

/** The approval and its application: both operators, the payout's move and the postings booked. */
export function correctionAppliedEntry(
  record: CorrectionRecord,
  payout: Payout,
  next: Payout,
  postings: readonly Posting[],
  context: CorrectionAuditContext,
): AuditEntry {
  return correctionEntry(record, 'correction.applied', context, {
    state: record.state,
    proposed_by: record.proposedBy,
    approved_by: record.approval?.by,
    note: record.approval?.note,
    from: payout.status,
    to: next.status,
    version: next.version,
    postings: postings.map((p) => ({ from: p.from, to: p.to, amount_minor: p.amountMinor })),
    evidence: { type: record.evidence.type, reference: record.evidence.reference },
  });
}

/** A rejection (or a proposer's withdrawal): who and why; nothing else changed. */
export function correctionRejectedEntry(record: CorrectionRecord, context: CorrectionAuditContext): AuditEntry {
  return correctionEntry(record, 'correction.rejected', context, {
    state: record.state,
    proposed_by: record.proposedBy,
    rejected_by: record.rejection?.by,
    reason: record.rejection?.reason,
  });
}

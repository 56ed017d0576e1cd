import { assertNever } from './assert-never';
import {
  adjustmentMoves,
  adjustmentRefusal,
  CorrectionError,
  describeRefusal,
  statusCorrectionRule,
  type CorrectionRecord,
  type CorrectionTimelineEvent,
} from './corrections';
import type { Posting } from './ledger';
import type { Payout, TimelineEntry } from './payout';

/**
 * What applying an approved correction writes, decided on the payout as read (pure; the adapter
 * writes it in one transaction conditional on that read). The correction bypasses the lifecycle
 * table on purpose — it records what outside evidence shows, which no event of the table stands for
 * — and has its own table instead (STATUS_CORRECTIONS), checked again here on the payout as it is now.
 */
export interface PlannedApplication {
  next: Payout;
  postings: Posting[];
  timelineEvent: CorrectionTimelineEvent;
}

export interface ApplicationContext {
  /** When it is applied (ISO 8601 UTC, passed in: the domain never reads the clock). */
  at: string;
  /** The approver's request id: the timeline's and audit's source reference. */
  requestId: string;
  /** The payout's request ids with the approver's added (the adapter owns the rule). */
  requestIds: string[];
}

export function planApplication(
  correction: CorrectionRecord,
  payout: Payout,
  context: ApplicationContext,
): PlannedApplication {
  const marked: Payout = {
    ...payout,
    version: payout.version + 1,
    requestIds: context.requestIds,
    correctionId: correction.correctionId,
    correctedAt: context.at,
  };
  switch (correction.kind) {
    case 'status': {
      const target = correction.targetStatus;
      if (target === undefined)
        throw new Error(`correction ${correction.correctionId}: a status correction without a target`);
      const rule = statusCorrectionRule(payout.status, target);
      if (rule.kind === 'refused')
        throw new CorrectionError(rule.code, 'terminal', describeRefusal(rule.code, payout.status, target));
      const next: Payout = {
        ...marked,
        status: target,
        lastEventAt: context.at,
        // The tenant sees that an operator set it; the reason and evidence stay on the correction.
        statusReason: 'operator_correction',
        correctedStatus: target,
        statusCorrectionId: correction.correctionId,
      };
      return { next, postings: [{ ...rule.move, amountMinor: payout.amountMinor }], timelineEvent: 'status_corrected' };
    }
    case 'ledger_adjustment': {
      const refusal = adjustmentRefusal(payout.status);
      if (refusal !== undefined)
        throw new CorrectionError(refusal, 'terminal', describeRefusal(refusal, payout.status));
      const legs = correction.postings ?? [];
      if (legs.some((leg) => leg.currency !== payout.currency)) {
        throw new Error(
          `correction ${correction.correctionId}: postings outside the payout's currency ${payout.currency}`,
        );
      }
      return { next: marked, postings: adjustmentMoves(legs), timelineEvent: 'ledger_adjusted' };
    }
    default:
      return assertNever(correction.kind, 'correction kind');
  }
}

/** The payout's timeline entry of the application: source `operator`, both operators named. */
export function applicationTimelineEntry(
  correction: CorrectionRecord,
  payout: Payout,
  plan: PlannedApplication,
  context: Pick<ApplicationContext, 'at' | 'requestId'>,
  approver: string,
): TimelineEntry {
  return {
    payoutId: payout.payoutId,
    at: context.at,
    occurredAt: context.at,
    event: plan.timelineEvent,
    outcome: 'applied',
    from: payout.status,
    to: plan.next.status,
    source: 'operator',
    sourceRef: context.requestId,
    statusReason: `correction ${correction.correctionId}: proposed by ${correction.proposedBy}, approved by ${approver}`,
  };
}

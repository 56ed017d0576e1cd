import type { TransactItem } from '../../adapters/ledger-writes';
import { correctionAppliedEntry, correctionRejectedEntry } from '../../domain/correction-audit';
import { applicationTimelineEntry, planApplication } from '../../domain/correction-application';
import { approvalRefusal, CorrectionError, decideCorrection, type CorrectionRecord } from '../../domain/corrections';
import { PayoutChangedError } from '../../adapters/corrections-repository';
import { withRequestId } from '../../adapters/payout-transitions';
import { notFound } from '../../http/api-error';
import { correctionView } from '../../http/correction-view';
import type { ActionResult, CorrectionActionInput, CorrectionsDeps } from './action-types';
import { correctionNotProposed, payoutChanged } from './action-types';
import { operatorAuditActor } from '../../http/operator';

type ApproveInput = Extract<CorrectionActionInput, { action: 'approve' }>;
type RejectInput = Extract<CorrectionActionInput, { action: 'reject' }>;

/**
 * POST /ops/corrections/{correctionId}/approve: a second operator approves, and the correction is
 * applied in the same transaction. Refusals in order (domain/corrections.ts `approvalRefusal`):
 * 404 → 403 self_approval_forbidden → 409 correction_not_proposed → 409 payout_changed (the payout
 * moved since the proposal) → 409 the correction's rule no longer holds. Then ONE transaction,
 * conditional on the payout's status and version as read: the payout (status for a status
 * correction, version + 1, the correction marker a later provider event is compared with), its
 * timeline entry (source operator), its audit record, the journal entry and balances, and the record
 * (applied, with the approval). A webhook that moves the payout in between cancels it all (409).
 */
export async function approveCorrection(
  deps: CorrectionsDeps,
  input: ApproveInput,
  lock: TransactItem,
): Promise<ActionResult> {
  const current = await found(deps, input.correctionId);
  const payout = await deps.payouts.getPayoutById(current.payoutId);
  if (payout === undefined)
    throw new Error(`correction ${current.correctionId} names payout ${current.payoutId}, which does not exist`);
  const refusal = approvalRefusal(current, payout, input.operator.subject);
  switch (refusal) {
    case undefined:
      break;
    case 'self_approval_forbidden':
      throw new CorrectionError(
        refusal,
        'terminal',
        'the operator who proposed a correction cannot approve it; a second operator must',
      );
    case 'correction_not_proposed':
      throw correctionNotProposed(current.state);
    case 'payout_changed':
      throw payoutChanged(
        'human_action_required',
        `the payout moved since the proposal (${current.fromStatus} v${current.payoutVersion}, now ${payout.status} ` +
          `v${payout.version}); reject this correction and propose again if it is still needed`,
      );
  }
  const at = new Date(deps.nowMs()).toISOString();
  const context = { at, requestId: input.requestId, requestIds: withRequestId(payout.requestIds, input.requestId) };
  const plan = planApplication(current, payout, context);
  const approver = input.operator.subject;
  const decision = decideCorrection(current.state, 'approve');
  if (decision.kind === 'refused') throw correctionNotProposed(current.state);
  const next: CorrectionRecord = {
    ...current,
    state: decision.to,
    approval: {
      by: approver,
      at,
      requestId: input.requestId,
      ...(input.body.note === undefined ? {} : { note: input.body.note }),
    },
    appliedAt: at,
    version: current.version + 1,
  };
  await applyOrRefuse(
    deps,
    current,
    next,
    {
      payout,
      next: plan.next,
      postings: plan.postings,
      timeline: applicationTimelineEntry(current, payout, plan, context, approver),
      audit: correctionAppliedEntry(next, payout, plan.next, plan.postings, {
        actor: operatorAuditActor(input.operator),
        requestId: input.requestId,
        at,
      }),
    },
    lock,
  );
  return { statusCode: 200, body: correctionView(next) };
}

/**
 * POST /ops/corrections/{correctionId}/reject, with a required reason: the record is rejected and
 * the payout's audit says so; nothing else changes. The proposer may reject (withdraw) their own:
 * four eyes guard what moves money, and a rejection moves none.
 */
export async function rejectCorrection(
  deps: CorrectionsDeps,
  input: RejectInput,
  lock: TransactItem,
): Promise<ActionResult> {
  const current = await found(deps, input.correctionId);
  const decision = decideCorrection(current.state, 'reject');
  if (decision.kind === 'refused') throw correctionNotProposed(current.state);
  const at = new Date(deps.nowMs()).toISOString();
  const by = input.operator.subject;
  const next: CorrectionRecord = {
    ...current,
    state: decision.to,
    rejection: { by, at, requestId: input.requestId, reason: input.body.reason },
    version: current.version + 1,
  };
  const audit = correctionRejectedEntry(next, {
    actor: operatorAuditActor(input.operator),
    requestId: input.requestId,
    at,
  });
  await deps.corrections.decide(current, next, audit, lock);
  return { statusCode: 200, body: correctionView(next) };
}

/** A webhook that moved the payout after our read makes the proposal stale for good: a person decides. */
async function applyOrRefuse(
  deps: CorrectionsDeps,
  ...args: Parameters<CorrectionsDeps['corrections']['apply']>
): Promise<void> {
  try {
    await deps.corrections.apply(...args);
  } catch (error) {
    if (!(error instanceof PayoutChangedError)) throw error;
    throw payoutChanged(
      'human_action_required',
      'the payout moved while the correction was applied; nothing was written. Reject it and propose again if still needed',
    );
  }
}

async function found(deps: CorrectionsDeps, correctionId: string): Promise<CorrectionRecord> {
  const current = await deps.corrections.get(correctionId);
  if (current === undefined) throw notFound('correction');
  return current;
}

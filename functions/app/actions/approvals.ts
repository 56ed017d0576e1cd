import { approvalRefusal } from '../../domain/approval';
import { assertNever } from '../../domain/assert-never';
import type { Payout, TransitionResult } from '../../domain/payout';
import { notFound } from '../../http/api-error';
import { payoutView } from '../../http/payout-view';
import { approvalRefused, invalidTransition } from './action-errors';
import type { ActionAnswer, ActionRunContext } from './idempotent-action';
import { actorOf, principalOf, type ActionCall, type PayoutActionsDeps } from './payout-action-deps';

/**
 * POST /payouts/{payoutId}/approve and /reject (payouts:approve): four eyes on a payout the
 * tenant's policy held for approval. Refusals, in order (domain/approval.ts): 404 (not the
 * tenant's), 409 invalid_transition (not requires_approval), 403 self_approval_forbidden (the
 * creator's own principal), 409 approval_expired. The decision, its timeline entry and audit record
 * (with the approver) and the action key lock are one transaction; nothing is written for a refusal.
 * Approve submits: requires_approval → submitted posts available → in_transit in that transaction,
 * and the payout is queued for the submitter like a created one.
 */
export async function approvePayout(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  const nowIso = deps.now().toISOString();
  const refusal = approvalRefusal(payout, principalOf(call.caller), nowIso);
  if (refusal !== undefined) throw approvalRefused(refusal, 'approved', payout.status);
  const note = call.body.note;
  const result = await deps.payouts.applyTransition(
    {
      payoutId: payout.payoutId,
      event: 'approved',
      source: 'api',
      sourceRef: call.requestId,
      occurredAt: nowIso,
      recordedAt: nowIso,
      actor: actorOf(call.caller),
      approvalDecision: {
        kind: 'approved',
        by: principalOf(call.caller),
        at: nowIso,
        ...(note === undefined ? {} : { note }),
      },
    },
    { actionKey: context.lock, recordUnapplied: false, ...(note === undefined ? {} : { auditDetails: { note } }) },
  );
  const approved = appliedOrRefused(result, 'approved');
  await deps.enqueueSubmission({ payoutId: approved.payoutId });
  return { statusCode: 200, body: payoutView(approved) };
}

/** The approve this key already applied: the payout as it is now, re-queued if still unsubmitted. */
export async function replayApprove(deps: PayoutActionsDeps, call: ActionCall): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  // The first run may have died between its commit and its enqueue; the submitter is idempotent.
  if (payout.status === 'submitted') await deps.enqueueSubmission({ payoutId: payout.payoutId });
  return { statusCode: 200, body: payoutView(payout) };
}

/** Reject: requires_approval → canceled with the reason; nothing was posted, nothing is released. */
export async function rejectPayout(
  deps: PayoutActionsDeps,
  call: ActionCall,
  context: ActionRunContext,
): Promise<ActionAnswer> {
  const payout = await tenantPayout(deps, call);
  const nowIso = deps.now().toISOString();
  const refusal = approvalRefusal(payout, principalOf(call.caller), nowIso);
  if (refusal !== undefined) throw approvalRefused(refusal, 'rejected', payout.status);
  const reason = call.body.reason ?? '';
  const result = await deps.payouts.applyTransition(
    {
      payoutId: payout.payoutId,
      event: 'approval_rejected',
      source: 'api',
      sourceRef: call.requestId,
      occurredAt: nowIso,
      recordedAt: nowIso,
      actor: actorOf(call.caller),
      statusReason: `approval_rejected: ${reason}`,
      approvalDecision: { kind: 'rejected', by: principalOf(call.caller), at: nowIso, reason },
    },
    { actionKey: context.lock, recordUnapplied: false, auditDetails: { reason } },
  );
  return { statusCode: 200, body: payoutView(appliedOrRefused(result, 'rejected')) };
}

export async function replayCurrent(
  deps: PayoutActionsDeps,
  call: ActionCall,
  statusCode = 200,
): Promise<ActionAnswer> {
  return { statusCode, body: payoutView(await tenantPayout(deps, call)) };
}

/** The tenant's payout, or 404: another tenant's payout answers exactly like one that does not exist. */
export async function tenantPayout(deps: PayoutActionsDeps, call: ActionCall): Promise<Payout> {
  const payout = await deps.payouts.getPayout(call.caller.tenantId, call.payoutId);
  if (payout === undefined) throw notFound('payout');
  return payout;
}

/** A transition the caller asked for: applied, or refused because the payout moved first (409). */
function appliedOrRefused(result: TransitionResult, action: 'approved' | 'rejected'): Payout {
  switch (result.kind) {
    case 'applied':
      return result.payout;
    case 'stale':
    case 'forbidden':
      // Another decision (or the expiry) won the race between our read and our write.
      throw invalidTransition(action, result.payout.status);
    case 'not_found':
      throw notFound('payout');
    // No dedup record and no ownership claim ride on an approver's command.
    case 'duplicate':
    case 'rejected_ownership':
      throw new Error(`approval transition answered ${result.kind}, which it cannot`);
    default:
      return assertNever(result, 'transition result');
  }
}
